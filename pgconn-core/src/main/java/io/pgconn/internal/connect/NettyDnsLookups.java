package io.pgconn.internal.connect;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.Transport;
import io.pgconn.config.HostSpec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Host-name look-ups for {@code hostResolver=netty-dns} (docs/lifecycle.md §1.1.1): asked of the DNS servers by
 * Netty's DNS client ({@link NettyDnsGroup}) on the event loop the look-up is made from — the connect's own, so the
 * walk goes on without a hop — never on a look-up pool, and kept for each record's TTL.
 *
 * <p>{@code io.netty:netty-resolver-dns} is an optional dependency: this class names none of its types, and makes the
 * factory's {@link NettyDnsGroup} only after finding it, at the first look-up that asks for it (a factory that never
 * does never builds one). Without it that look-up fails with a {@link PgConfigException} naming the setting and the
 * artifact to add. {@link #close()} closes the group (its UDP channels) with the factory; a look-up after that fails
 * as the system resolver's do ("the connection factory was closed").
 */
final class NettyDnsLookups {

    /** The artifact to add, as a message names it. */
    static final String ARTIFACT = "io.netty:netty-resolver-dns";

    private final EventLoopGroup loops;
    private final Transport transport;
    /** Null: the system's DNS servers ({@code /etc/resolv.conf}); else these, for tests (a scripted server). */
    private final List<InetSocketAddress> nameServers;
    private final boolean available;
    /** Made at the first look-up (guarded by this); never after {@link #closed}. */
    private NettyDnsGroup group;
    private boolean closed;

    NettyDnsLookups(EventLoopGroup loops, Transport transport, List<InetSocketAddress> nameServers) {
        this(loops, transport, nameServers, NettyDnsPresence.AVAILABLE);
    }

    /** @param available whether {@link #ARTIFACT} is on the class path (a seam: tests say it is not) */
    NettyDnsLookups(EventLoopGroup loops, Transport transport, List<InetSocketAddress> nameServers, boolean available) {
        this.loops = loops;
        this.transport = transport;
        this.nameServers = nameServers == null ? null : List.copyOf(nameServers);
        this.available = available;
    }

    /**
     * The addresses of {@code host}'s name, in Netty's order (IPv4 first unless {@code java.net.preferIPv6Addresses});
     * completes on the event loop it was asked from (the caller's, when it runs on one of the factory's loops).
     */
    CompletableFuture<InetAddress[]> lookUp(HostSpec host) {
        String name = host.host();
        String what = "could not translate host name \"" + name + "\" to an address";
        if (!available) {
            return CompletableFuture.failedFuture(new PgConfigException(host.label(), "hostResolver", "netty-dns", what
                    + ": hostResolver=netty-dns asks the DNS servers with Netty's DNS client, which is not on the class path;"
                    + " add " + ARTIFACT + " (at the version of your other Netty jars, e.g. through io.netty:netty-bom), or leave"
                    + " hostResolver unset to look names up with the system resolver"));
        }
        NettyDnsGroup dns;
        try {
            synchronized (this) {
                if (!closed && group == null) {
                    group = NettyDnsGroup.create(transport, nameServers);
                }
                dns = closed ? null : group;
            }
        } catch (RuntimeException | LinkageError unusable) {
            return CompletableFuture.failedFuture(unusable(host, what, unusable));
        }
        if (dns == null) {
            return CompletableFuture.failedFuture(new PgFactoryClosedException(host.label(), what + ": the connection factory was closed"));
        }
        CompletableFuture<InetAddress[]> result = new CompletableFuture<>();
        try {
            Future<List<InetSocketAddress>> lookup = dns.resolveAll(loop(), name);
            lookup.addListener(done -> {
                if (lookup.isSuccess()) {
                    result.complete(lookup.getNow().stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new));
                } else {
                    result.completeExceptionally(new PgConnectException(host.label(), what + " with hostResolver=netty-dns: "
                            + NettyDnsGroup.reason(lookup.cause()) + " (asked " + dns.servers() + " after /etc/hosts, expected an A or"
                            + " AAAA record)", lookup.cause()));
                }
            });
        } catch (IllegalStateException loopStopping) { // Netty's getResolver on a loop that is shutting down
            result.completeExceptionally(new PgFactoryClosedException(host.label(), what + ": the connection factory was closed", loopStopping));
        } catch (RuntimeException | LinkageError unusable) {
            result.completeExceptionally(unusable(host, what, unusable));
        }
        return result;
    }

    /**
     * Netty's DNS client failed by throwing rather than through its future — a netty-resolver-dns of another Netty version
     * than the application's other Netty jars (a {@code NoSuchMethodError}: the presence check loads, it does not link),
     * or its platform's name-server discovery: the look-up fails at once naming the setting, instead of leaving the walk
     * to wait for {@code connectTimeout} (REVIEW-25 R25-10).
     */
    private static PgConfigException unusable(HostSpec host, String what, Throwable error) {
        return new PgConfigException(host.label(), "hostResolver", "netty-dns", what + ": hostResolver=netty-dns could not use"
                + " Netty's DNS client (" + error + "); is " + ARTIFACT + " at the version of your other Netty jars?", error);
    }

    /** The loop the caller runs on when it is one of the factory's (a connect walk's), else the group's next. */
    private EventLoop loop() {
        for (EventExecutor executor : loops) {
            if (executor.inEventLoop() && executor instanceof EventLoop loop) {
                return loop;
            }
        }
        return loops.next();
    }

    /** Closes the resolvers and their UDP channels; look-ups after this fail as the factory's closed. */
    void close() {
        NettyDnsGroup made;
        synchronized (this) {
            closed = true;
            made = group;
        }
        if (made != null) {
            made.close();
        }
    }

    /** Whether {@link #ARTIFACT} (and the DNS codec it needs) loads here; probed once. */
    private static final class NettyDnsPresence {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            ClassLoader loader = NettyDnsLookups.class.getClassLoader();
            try {
                Class.forName("io.netty.resolver.dns.DnsAddressResolverGroup", false, loader);
                Class.forName("io.netty.handler.codec.dns.DnsRecord", false, loader);
                return true;
            } catch (ClassNotFoundException | LinkageError absent) {
                return false;
            }
        }
    }
}
