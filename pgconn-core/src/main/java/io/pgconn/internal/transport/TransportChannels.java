package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.pgconn.PgConnectException;
import io.pgconn.Transport;
import jdk.net.ExtendedSocketOptions;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
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

    /** A new, unregistered TCP channel of {@code transport} (a plain constructor call: no reflection per connect). */
    public static Channel newSocketChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> Epoll.socket();
            case IO_URING -> IoUring.socket();
            case NIO -> Nio.socket();
        };
    }

    /**
     * A new, unregistered TCP channel of {@code transport} for dialling {@code address}: an IPv4
     * address gets an IPv4 socket, as libpq's {@code socket(AF_INET)}, where the transports' default is
     * a dual-stack IPv6 socket. That default costs a connect one more system call ({@code IPV6_V6ONLY})
     * and takes the kernel's IPv4-mapped path on every connect, send and close (measured on the trust
     * connect: {@code connect()} 63 µs vs libpq's 43 µs, {@code sendto} 21 vs 11 µs). io_uring's channel
     * has no family constructor in this Netty: it keeps its default.
     */
    public static Channel newSocketChannel(Transport transport, SocketAddress address) {
        boolean ipv4 = address instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address;
        if (!ipv4) {
            return newSocketChannel(transport);
        }
        return switch (transport) {
            case EPOLL -> Epoll.ipv4Socket();
            case IO_URING -> IoUring.socket();
            case NIO -> Nio.ipv4Socket();
        };
    }

    /** A new, unregistered UDP channel of {@code transport}: what {@code hostResolver=netty-dns} asks the DNS servers on. */
    public static DatagramChannel newDatagramChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> Epoll.datagram();
            case IO_URING -> IoUring.datagram();
            case NIO -> Nio.datagram();
        };
    }

    /** A new, unregistered Unix-domain socket channel of {@code transport}. */
    public static Channel newDomainSocketChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> Epoll.domainSocket();
            case IO_URING -> IoUring.domainSocket();
            case NIO -> Nio.domainSocket();
        };
    }

    /*
     * Each transport's constructors live in a class of their own, typed Channel, and the switches above
     * only call them. Had a switch expression's arms been the constructor calls themselves, JDK 25's
     * javac would record the arms' least upper bound CLASS (AbstractChannel) in the method's stack map
     * frame where JDK 17's javac records the target interface (Channel); the verifier then loads every
     * arm's class to check the subclassing, so linking TransportChannels threw NoClassDefFoundError on a
     * class path without the optional io_uring or epoll jar (a Spring application's) — even for NIO.
     * Here a native class is loaded only when its transport is used. WithoutNativeTransportsTest.
     */

    private static final class Epoll {
        static Channel socket() {
            return new EpollSocketChannel();
        }

        static Channel ipv4Socket() {
            return new EpollSocketChannel(SocketProtocolFamily.INET);
        }

        static Channel domainSocket() {
            return new EpollDomainSocketChannel();
        }

        static DatagramChannel datagram() {
            return new EpollDatagramChannel();
        }
    }

    private static final class IoUring {
        static Channel socket() {
            return new IoUringSocketChannel();
        }

        static Channel domainSocket() {
            return new IoUringDomainSocketChannel();
        }

        static DatagramChannel datagram() {
            return new IoUringDatagramChannel();
        }
    }

    private static final class Nio {
        static Channel socket() {
            return new NioSocketChannel();
        }

        static Channel ipv4Socket() {
            return new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET);
        }

        static Channel domainSocket() {
            return new NioDomainSocketChannel();
        }

        static DatagramChannel datagram() {
            return new NioDatagramChannel();
        }
    }

    /**
     * The longest Unix-socket path libpq dials on Linux: {@code sun_path} holds 108 bytes with the terminating NUL
     * (libpq's {@code UNIXSOCK_PATH_BUFLEN}).
     */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /**
     * The address of a Unix-domain socket in the form this transport's channel accepts: a socket file, or a name
     * in Linux's abstract namespace when the path starts with {@code @} (libpq's spelling, PostgreSQL's
     * {@code unix_socket_directories = '@name'}; the kernel's name starts with a NUL byte instead).
     *
     * @throws PgConnectException when the path is longer than a socket address holds (libpq's words), or names an
     *                            abstract socket on NIO, whose {@code UnixDomainSocketAddress} cannot hold one
     */
    public static SocketAddress domainSocketAddress(Transport transport, String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new PgConnectException(path, "Unix-domain socket path \"" + path + "\" is too long (maximum "
                    + MAX_SOCKET_PATH_BYTES + " bytes)");
        }
        if (path.startsWith("@")) {
            if (transport == NIO) {
                throw new PgConnectException(path, "cannot connect to the abstract Unix-domain socket \"" + path
                        + "\" on the NIO transport: the JDK cannot address the abstract namespace; use the epoll or"
                        + " io_uring transport (netty-transport-native-epoll)");
            }
            return new DomainSocketAddress("\0" + path.substring(1));
        }
        return transport == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
    }

    /** Whether {@code address} is a socket in Linux's abstract namespace, which no file stands for. */
    public static boolean isAbstractSocket(SocketAddress address) {
        return address instanceof DomainSocketAddress socket && socket.path().startsWith("\0");
    }

    /** TCP keepalive tuning (libpq keepalives_idle / _interval / _count); unset values keep the OS defaults. */
    public static void applyKeepaliveTuning(Transport transport, ChannelConfig config, Duration idle, Duration interval, Integer count) {
        Integer idleSeconds = idle == null ? null : (int) Math.max(1, idle.toSeconds());
        Integer intervalSeconds = interval == null ? null : (int) Math.max(1, interval.toSeconds());
        switch (transport) {
            case EPOLL -> {
                set(config, EpollChannelOption.TCP_KEEPIDLE, idleSeconds);
                set(config, EpollChannelOption.TCP_KEEPINTVL, intervalSeconds);
                set(config, EpollChannelOption.TCP_KEEPCNT, count);
            }
            case IO_URING -> {
                set(config, IoUringChannelOption.TCP_KEEPIDLE, idleSeconds);
                set(config, IoUringChannelOption.TCP_KEEPINTVL, intervalSeconds);
                set(config, IoUringChannelOption.TCP_KEEPCNT, count);
            }
            case NIO -> {
                set(config, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
                set(config, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds);
                set(config, NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), count);
            }
        }
    }

    /**
     * libpq's {@code tcp_user_timeout} (milliseconds; 0 the system's default, negative as 0, as libpq):
     * TCP_USER_TIMEOUT on epoll and io_uring. NIO has no such socket option, so it is not set there.
     *
     * @return whether it was set (false on NIO)
     */
    public static boolean applyUserTimeout(Transport transport, ChannelConfig config, int millis) {
        int value = Math.max(0, millis);
        return switch (transport) {
            case EPOLL -> {
                config.setOption(EpollChannelOption.TCP_USER_TIMEOUT, value);
                yield true;
            }
            case IO_URING -> {
                config.setOption(IoUringChannelOption.TCP_USER_TIMEOUT, value);
                yield true;
            }
            case NIO -> false; // the JDK exposes no TCP_USER_TIMEOUT (docs/lifecycle.md §1.1)
        };
    }

    private static <T> void set(ChannelConfig config, ChannelOption<T> option, T value) {
        if (value != null) {
            config.setOption(option, value);
        }
    }
}
