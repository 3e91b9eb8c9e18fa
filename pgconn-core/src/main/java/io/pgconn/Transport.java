package io.pgconn;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

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
