package io.pgconn.transport;

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
import io.netty.util.concurrent.DefaultThreadFactory;
import jdk.net.ExtendedSocketOptions;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

/**
 * The Netty transport pgconn runs on: native epoll when it is on the classpath and loads, NIO
 * otherwise. Unix-domain sockets work on both (NIO through the JDK's {@code UnixDomainSocketAddress}).
 */
public enum Transport {
    EPOLL, NIO;

    /** The best transport available here. */
    public static Transport best() {
        return EpollSupport.AVAILABLE ? EPOLL : NIO;
    }

    /** The transport that matches an existing event loop group (e.g. one the user hands in). */
    public static Transport of(EventLoopGroup group) {
        return EpollSupport.AVAILABLE && group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class) ? EPOLL : NIO;
    }

    /** A new event loop group for this transport, with daemon threads named {@code pgconn-*}. */
    public EventLoopGroup newEventLoopGroup(int threads) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pgconn-" + name().toLowerCase(), true), factory);
    }

    public Class<? extends Channel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends Channel> domainSocketChannel() {
        return this == EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** The address of a Unix-domain socket file in the form this transport's channel accepts. */
    public SocketAddress domainSocketAddress(String path) {
        return this == EPOLL ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }

    /** TCP keepalive tuning (libpq keepalives_idle / _interval / _count); unset values keep the OS defaults. */
    public void applyKeepaliveTuning(Bootstrap bootstrap, Duration idle, Duration interval, Integer count) {
        if (this == EPOLL) {
            if (idle != null) {
                bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, (int) Math.max(1, idle.toSeconds()));
            }
            if (interval != null) {
                bootstrap.option(EpollChannelOption.TCP_KEEPINTVL, (int) Math.max(1, interval.toSeconds()));
            }
            if (count != null) {
                bootstrap.option(EpollChannelOption.TCP_KEEPCNT, count);
            }
        } else {
            if (idle != null) {
                bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), (int) Math.max(1, idle.toSeconds()));
            }
            if (interval != null) {
                bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), (int) Math.max(1, interval.toSeconds()));
            }
            if (count != null) {
                bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), count);
            }
        }
    }

    /** Isolates the optional epoll classes: touching them fails when netty-transport-native-epoll is absent. */
    private static final class EpollSupport {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return Epoll.isAvailable();
            } catch (Throwable notOnClasspath) {
                return false;
            }
        }
    }
}
