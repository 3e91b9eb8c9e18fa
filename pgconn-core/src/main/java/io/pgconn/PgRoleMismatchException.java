package io.pgconn;

import io.pgconn.config.HostResolverKind;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A server answered and started a session, but its role is not one {@code target_session_attrs} accepts: a
 * standby (or a read-only primary) where {@code primary} or {@code read-write} is wanted — a failover in progress
 * looks like this until a standby is promoted — or a primary where {@code standby} is wanted. The connect moves on
 * to the next host; the session is closed when the connect ends (docs/lifecycle.md §2.3).
 *
 * <p>The server's {@link #role()} and the wanted {@link #targetSessionAttrs()} are data, so a caller (the
 * Spring Boot starter's start-up check, a retry policy waiting out a failover) tells this case without reading
 * the message. The message names the host, the role and the target; nothing else — but for a host given by NAME,
 * also the address dialled ({@code server db:5432 (10.0.0.1) is standby ...}, as libpq names it) and a {@code HINT:}
 * line on the JVM's DNS cache ({@link JvmDnsCache}): after a switchover that repointed the name, the JVM dials its
 * old address for up to {@code networkaddress.cache.ttl} (new user 24 F2).
 *
 * <p>When every host of a multi-host connect failed, the connect fails with one {@link PgConnectException}
 * listing them ({@code could not connect to any of N hosts ...}, {@link #host()} null), each host's failure
 * attached as {@linkplain #getSuppressed() suppressed}: when no host had the wanted role, each of those is a
 * {@code PgRoleMismatchException}. A single host's mismatch is reported as itself.
 */
public final class PgRoleMismatchException extends PgConnectException {

    private static final long serialVersionUID = 1L;

    private final ServerRole role;
    private final TargetSessionAttrs targetSessionAttrs;

    /**
     * @param host               the host ({@code host:port}, or a socket path) that answered
     * @param role               the role it turned out to have
     * @param targetSessionAttrs what the connect asked for
     * @throws NullPointerException naming {@code role} or {@code targetSessionAttrs} when one is null
     */
    public PgRoleMismatchException(String host, ServerRole role, TargetSessionAttrs targetSessionAttrs) {
        super(host, "server " + host + " is " + Objects.requireNonNull(role, "role").label()
                + ", not acceptable for target_session_attrs="
                + Objects.requireNonNull(targetSessionAttrs, "targetSessionAttrs").libpqName());
        this.role = role;
        this.targetSessionAttrs = targetSessionAttrs;
    }

    /**
     * The mismatch of a session on {@code dialled}, one of {@code host}'s addresses: when the host is a name pgconn
     * looked up, the message names that address after the host and ends with the JVM DNS cache's {@code HINT:}
     * ({@link JvmDnsCache}); otherwise it reads as {@link #PgRoleMismatchException(String, ServerRole, TargetSessionAttrs)}'s.
     *
     * @param host               the host entry that answered ({@link #host()} is its label)
     * @param dialled            the address dialled for it
     * @param role               the role it turned out to have
     * @param targetSessionAttrs what the connect asked for
     * @throws NullPointerException naming {@code role} or {@code targetSessionAttrs} when one is null
     */
    public PgRoleMismatchException(HostSpec host, SocketAddress dialled, ServerRole role, TargetSessionAttrs targetSessionAttrs) {
        this(host, dialled, role, targetSessionAttrs, HostResolverKind.SYSTEM);
    }

    /**
     * As {@link #PgRoleMismatchException(HostSpec, SocketAddress, ServerRole, TargetSessionAttrs)}, for a name looked up
     * by {@code resolver} ({@code hostResolver}): the {@code HINT:} names the cache that may have kept the old address —
     * the JVM's ({@code system}) or Netty's, by the DNS record's TTL ({@code netty-dns}, docs/lifecycle.md §1.1.1).
     *
     * @param resolver who looked the name up
     */
    public PgRoleMismatchException(HostSpec host, SocketAddress dialled, ServerRole role, TargetSessionAttrs targetSessionAttrs,
                                   HostResolverKind resolver) {
        super(host.label(), message(host.label(), JvmDnsCache.lookedUp(host, dialled), role, targetSessionAttrs,
                Objects.requireNonNull(resolver, "resolver")));
        this.role = role;
        this.targetSessionAttrs = targetSessionAttrs;
    }

    private static String message(String host, Optional<JvmDnsCache.LookedUp> lookedUp, ServerRole role, TargetSessionAttrs target,
                                  HostResolverKind resolver) {
        return "server " + host + lookedUp.map(named -> " (" + named.address() + ")").orElse("") + " is "
                + Objects.requireNonNull(role, "role").label() + ", not acceptable for target_session_attrs="
                + Objects.requireNonNull(target, "targetSessionAttrs").libpqName()
                + lookedUp.map(named -> "\nHINT: " + (resolver == HostResolverKind.NETTY_DNS ? named.nettyDnsWrongRoleHint()
                : named.wrongRoleHint())).orElse("");
    }

    /** The role the server has ({@link ServerRole#STANDBY}, {@link ServerRole#PRIMARY} ...). */
    public ServerRole role() {
        return role;
    }

    /** The {@code target_session_attrs} the connect asked for, which {@link #role()} does not satisfy. */
    public TargetSessionAttrs targetSessionAttrs() {
        return targetSessionAttrs;
    }
}
