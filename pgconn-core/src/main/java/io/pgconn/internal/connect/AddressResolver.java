package io.pgconn.internal.connect;

import io.netty.util.NetUtil;
import io.pgconn.internal.transport.TransportChannels;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.HostSpec;
import io.pgconn.Transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * Turns a host entry into the socket addresses to dial, in order (libpq): {@code hostaddr} as
 * given (no DNS), an IP literal as is, a Unix-socket directory as its socket file (an {@code @name} as an abstract
 * socket), and a name
 * through the connect's {@code hostResolver}: {@link BlockingCallPool} (the system resolver), off the event loop — that
 * future completes on a look-up thread — or {@link NettyDnsLookups} (Netty's DNS client), on the caller's event loop.
 * Either way the addresses are tried in the order found ({@code load_balance_hosts=random}: shuffled), so the walk,
 * its failover report and {@code hostaddr} behave the same with both (docs/lifecycle.md §1.1.1).
 */
public final class AddressResolver {

    private final BlockingCallPool lookups;
    private final NettyDnsLookups dns;
    private final Transport transport;

    AddressResolver(BlockingCallPool lookups, NettyDnsLookups dns, Transport transport) {
        this.lookups = lookups;
        this.dns = dns;
        this.transport = transport;
    }

    /** @param resolver who looks a host name up ({@code hostResolver}); addresses, {@code hostaddr} and sockets need no one */
    public CompletableFuture<List<SocketAddress>> resolve(HostSpec host, HostResolverKind resolver, RandomGenerator shuffle) {
        if (host.isUnixSocket()) {
            try {
                return CompletableFuture.completedFuture(List.of(TransportChannels.domainSocketAddress(transport, host.socketPath())));
            } catch (PgConnectException undialable) {
                return CompletableFuture.failedFuture(undialable); // that host only: the walk goes on (libpq, LIBPQ-14 us10)
            }
        }
        if (host.hostaddr() != null && !host.hostaddr().isEmpty()) {
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(host.hostaddr());
            if (ip == null) {
                return CompletableFuture.failedFuture(new PgConfigException(host.label(), "hostaddr", host.hostaddr(),
                        "invalid hostaddr \"" + host.hostaddr() + "\" for host " + host.label() + " (expected an IPv4 or IPv6 address)"));
            }
            return CompletableFuture.completedFuture(List.of(socketAddress(ip, host)));
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host.host());
        if (literal != null) {
            return CompletableFuture.completedFuture(List.of(socketAddress(literal, host)));
        }
        // the system's completes on a look-up thread: the caller hops back to its own loop (ConnectWalk does)
        CompletableFuture<InetAddress[]> found = resolver == HostResolverKind.NETTY_DNS ? dns.lookUp(host) : lookups.lookUp(host);
        return found.thenApply(addresses -> addresses(addresses, host, shuffle));
    }

    private static List<SocketAddress> addresses(InetAddress[] found, HostSpec host, RandomGenerator shuffle) {
        List<SocketAddress> addresses = new ArrayList<>();
        for (InetAddress address : found) {
            addresses.add(new InetSocketAddress(address, host.port()));
        }
        if (shuffle != null) {
            Collections.shuffle(addresses, asRandom(shuffle));
        }
        return addresses;
    }

    private static java.util.Random asRandom(RandomGenerator generator) {
        return generator instanceof java.util.Random r ? r : new java.util.Random(generator.nextLong());
    }

    private static SocketAddress socketAddress(byte[] ip, HostSpec host) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host.host(), ip), host.port());
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("invalid address length " + Arrays.toString(ip), impossible);
        }
    }
}
