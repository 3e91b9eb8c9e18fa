package io.pgconn;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import jdk.net.ExtendedSocketOptions;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

/**
 * The Netty transport pgconn runs on: native epoll when it is on the classpath and loads, else
 * io_uring when its native library is on the classpath and the kernel allows it, else NIO. A
 * factory can ask for one explicitly ({@code PgConnectionFactory.Builder#transport}). Unix-domain
 * sockets work on all three (NIO through the JDK's {@code UnixDomainSocketAddress}).
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    /** The best transport available here. */
    public static Transport best() {
        return EPOLL.isAvailable() ? EPOLL : IO_URING.isAvailable() ? IO_URING : NIO;
    }

    /** The transport that matches an existing event loop group (e.g. one the user hands in). */
    public static Transport of(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (EPOLL.isAvailable() && io.isIoType(EpollIoHandler.class)) {
                return EPOLL;
            }
            if (IO_URING.isAvailable() && io.isIoType(IoUringIoHandler.class)) {
                return IO_URING;
            }
        }
        return NIO;
    }

    /** Whether this transport's classes and native library load here. */
    public boolean isAvailable() {
        return switch (this) {
            case EPOLL -> EpollSupport.AVAILABLE;
            case IO_URING -> IoUringSupport.AVAILABLE;
            case NIO -> true;
        };
    }

    /** A new event loop group for this transport, with daemon threads named {@code pgconn-*}. */
    public EventLoopGroup newEventLoopGroup(int threads) {
        if (!isAvailable()) {
            throw new IllegalStateException("the " + name().toLowerCase() + " transport is not available here"
                    + (this == IO_URING ? " (netty-transport-native-io_uring missing, or io_uring disabled by the kernel)"
                    : " (netty-transport-native-epoll missing or not loadable)"));
        }
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pgconn-" + name().toLowerCase(), true), factory);
    }

    public Class<? extends Channel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    public Class<? extends Channel> domainSocketChannel() {
        return switch (this) {
            case EPOLL -> EpollDomainSocketChannel.class;
            case IO_URING -> IoUringDomainSocketChannel.class;
            case NIO -> NioDomainSocketChannel.class;
        };
    }

    /** The address of a Unix-domain socket file in the form this transport's channel accepts. */
    public SocketAddress domainSocketAddress(String path) {
        return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
    }

    /** TCP keepalive tuning (libpq keepalives_idle / _interval / _count); unset values keep the OS defaults. */
    public void applyKeepaliveTuning(Bootstrap bootstrap, Duration idle, Duration interval, Integer count) {
        Integer idleSeconds = idle == null ? null : (int) Math.max(1, idle.toSeconds());
        Integer intervalSeconds = interval == null ? null : (int) Math.max(1, interval.toSeconds());
        switch (this) {
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

    private static <T> void set(Bootstrap bootstrap, io.netty.channel.ChannelOption<T> option, T value) {
        if (value != null) {
            bootstrap.option(option, value);
        }
    }

    /** Isolates the optional epoll classes: touching them fails when netty-transport-native-epoll is absent. */
    private static final class EpollSupport {
        static final boolean AVAILABLE = loads(() -> Epoll.isAvailable());
    }

    /** Isolates the optional io_uring classes: touching them fails when netty-transport-classes-io_uring is absent. */
    private static final class IoUringSupport {
        static final boolean AVAILABLE = loads(() -> IoUring.isAvailable());
    }

    /** Whether an optional native transport's probe says yes; a missing class or library is a no. */
    private static boolean loads(java.util.function.BooleanSupplier probe) {
        try {
            return probe.getAsBoolean();
        } catch (Throwable notOnClasspath) {
            return false;
        }
    }
}
