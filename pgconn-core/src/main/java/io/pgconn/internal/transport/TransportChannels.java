package io.pgconn.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.pgconn.Transport;
import jdk.net.ExtendedSocketOptions;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

import static io.pgconn.Transport.NIO;

/**
 * What dialling needs of a {@link Transport}: its channel classes, socket addresses and keepalive
 * options. Kept out of the API enum, which users only choose and ask about. Call only with an
 * available transport: the native classes load on first use.
 */
public final class TransportChannels {

    private TransportChannels() {
    }

    /** The TCP channel class of {@code transport}. */
    public static Class<? extends Channel> socketChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** The Unix-domain socket channel class of {@code transport}. */
    public static Class<? extends Channel> domainSocketChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> EpollDomainSocketChannel.class;
            case IO_URING -> IoUringDomainSocketChannel.class;
            case NIO -> NioDomainSocketChannel.class;
        };
    }

    /** The address of a Unix-domain socket file in the form this transport's channel accepts. */
    public static SocketAddress domainSocketAddress(Transport transport, String path) {
        return transport == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
    }

    /** TCP keepalive tuning (libpq keepalives_idle / _interval / _count); unset values keep the OS defaults. */
    public static void applyKeepaliveTuning(Transport transport, Bootstrap bootstrap, Duration idle, Duration interval, Integer count) {
        Integer idleSeconds = idle == null ? null : (int) Math.max(1, idle.toSeconds());
        Integer intervalSeconds = interval == null ? null : (int) Math.max(1, interval.toSeconds());
        switch (transport) {
            case EPOLL -> {
                set(bootstrap, EpollChannelOption.TCP_KEEPIDLE, idleSeconds);
                set(bootstrap, EpollChannelOption.TCP_KEEPINTVL, intervalSeconds);
                set(bootstrap, EpollChannelOption.TCP_KEEPCNT, count);
            }
            case IO_URING -> {
                set(bootstrap, IoUringChannelOption.TCP_KEEPIDLE, idleSeconds);
                set(bootstrap, IoUringChannelOption.TCP_KEEPINTVL, intervalSeconds);
                set(bootstrap, IoUringChannelOption.TCP_KEEPCNT, count);
            }
            case NIO -> {
                set(bootstrap, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
                set(bootstrap, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds);
                set(bootstrap, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), count);
            }
        }
    }

    private static <T> void set(Bootstrap bootstrap, ChannelOption<T> option, T value) {
        if (value != null) {
            bootstrap.option(option, value);
        }
    }
}
