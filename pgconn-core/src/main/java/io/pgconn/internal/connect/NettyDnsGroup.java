package io.pgconn.internal.connect;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.pgconn.Transport;
import io.pgconn.internal.transport.TransportChannels;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Netty's DNS client for one factory ({@code hostResolver=netty-dns}, docs/lifecycle.md §1.1.1): one
 * {@link DnsAddressResolverGroup} — a {@code DnsNameResolver} per event loop, made at its first look-up there, each with
 * one UDP channel on that loop — sharing one cache, in which every answer is kept for its record's TTL, bounded by
 * {@link #MIN_TTL_SECONDS} and {@link #MAX_TTL_SECONDS}; failures are not kept (libpq asks again at every connect).
 *
 * <p>The only class that names {@code io.netty:netty-resolver-dns}'s types: {@link NettyDnsLookups} loads it only after
 * it found that artifact on the class path, so a factory without it never links it (WithoutNettyDnsTest).
 */
final class NettyDnsGroup {

    /** A record's TTL below this is raised to it: none, a record with TTL 0 is asked again at every connect. */
    static final int MIN_TTL_SECONDS = 0;
    /**
     * A record's TTL above this is lowered to it: the JVM's default cache time ({@code networkaddress.cache.ttl}, 30 s),
     * so opting in never follows a repointed name later than the system resolver's default does.
     */
    static final int MAX_TTL_SECONDS = 30;

    private final DnsAddressResolverGroup group;
    private final String servers;

    private NettyDnsGroup(DnsAddressResolverGroup group, String servers) {
        this.group = group;
        this.servers = servers;
    }

    /**
     * @param nameServers the DNS servers to ask, in order; null: the system's ({@code /etc/resolv.conf}'s
     *                    {@code nameserver} lines, Netty's {@code DnsServerAddressStreamProviders.platformDefault()})
     */
    static NettyDnsGroup create(Transport transport, List<InetSocketAddress> nameServers) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder()
                .datagramChannelFactory(() -> TransportChannels.newDatagramChannel(transport))
                // an answer too long for UDP (TC bit) is asked again over TCP, as glibc does
                .socketChannelFactory(() -> (SocketChannel) TransportChannels.newSocketChannel(transport), false)
                .ttl(MIN_TTL_SECONDS, MAX_TTL_SECONDS)
                .negativeTtl(0)
                .nameServerProvider(nameServers == null ? DnsServerAddressStreamProviders.platformDefault()
                        : new SequentialDnsServerAddressStreamProvider(nameServers));
        String servers = nameServers == null ? "the DNS servers of /etc/resolv.conf" : "the DNS server" + (nameServers.size() == 1 ? " " : "s ")
                + String.join(", ", nameServers.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        return new NettyDnsGroup(new DnsAddressResolverGroup(builder), servers);
    }

    /** {@code name}'s addresses, asked on {@code loop} (its resolver is made there at the first look-up); completes on {@code loop}. */
    Future<List<InetSocketAddress>> resolveAll(EventLoop loop, String name) {
        AddressResolver<InetSocketAddress> resolver = group.getResolver(loop);
        return resolver.resolveAll(InetSocketAddress.createUnresolved(name, 0));
    }

    /** Whom it asks, for messages: "the DNS servers of /etc/resolv.conf" or "the DNS server 127.0.0.1:53". */
    String servers() {
        return servers;
    }

    /**
     * Why a look-up failed, in words that do not repeat the name (the message names it once, as libpq): what the DNS
     * server answered (NXDOMAIN: the name does not exist, as glibc's "Name or service not known"), or that it did not
     * answer, else Netty's reason.
     */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DnsErrorCauseException answered) {
                return DnsResponseCode.NXDOMAIN.equals(answered.getCode())
                        ? "Name or service not known, the DNS server answered NXDOMAIN"
                        : "the DNS server answered " + answered.getCode().toString().toUpperCase(Locale.ROOT);
            }
            if (t instanceof DnsNameResolverTimeoutException timedOut) {
                return "no answer from the DNS server " + timedOut.remoteAddress().getHostString() + ":" + timedOut.remoteAddress().getPort()
                        + " (" + timedOut.getMessage() + ")";
            }
        }
        return failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    }

    /** Closes every loop's resolver and its UDP channel. */
    void close() {
        group.close();
    }
}
