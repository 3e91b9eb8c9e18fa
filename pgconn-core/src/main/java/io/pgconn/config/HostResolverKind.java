package io.pgconn.config;

/**
 * Who turns a host name into addresses ({@code hostResolver}; docs/lifecycle.md §1.1, §1.1.1). {@code system}, the
 * default, is the JDK's {@code InetAddress.getAllByName} — the system resolver, as libpq's {@code getaddrinfo}:
 * {@code /etc/hosts}, nsswitch, search domains — whose answers the JVM keeps for {@code networkaddress.cache.ttl}
 * (30 s by default). {@code netty-dns} asks the DNS servers itself with Netty's {@code DnsNameResolver}
 * ({@code io.netty:netty-resolver-dns}, an optional dependency the application adds), on the event loop, and keeps
 * each answer for its record's own TTL: a name a switchover repoints is followed as soon as its record expires. It
 * reads {@code /etc/hosts} and {@code /etc/resolv.conf} itself and consults no other name service (no nsswitch).
 */
public enum HostResolverKind implements LibpqValue {
    SYSTEM("system"),
    NETTY_DNS("netty-dns");

    private final String libpqName;

    HostResolverKind(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    /** Any case, {@code _} for {@code -} (Java callers, Spring's relaxed binding); a connection string spells it exactly. */
    public static HostResolverKind parse(String value) {
        return LibpqValue.parse(HostResolverKind.class, "hostResolver", value);
    }
}
