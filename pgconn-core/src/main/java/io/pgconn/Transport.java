package io.pgconn;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.channels.spi.SelectorProvider;
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

    /** The longest busy-poll {@link #newEventLoopGroup(int, Duration)} accepts, µs: beyond it the poll only burns a CPU. */
    public static final int MAX_BUSY_POLL_MICROS = 10_000;

    /** A new event loop group for this transport, with daemon threads named {@code pgconn-epoll-N-M} (its transport's name). */
    public EventLoopGroup newEventLoopGroup(int threads) {
        return newEventLoopGroup(threads, Duration.ZERO);
    }

    /**
     * A new event loop group for this transport, with daemon threads named {@code pgconn-<name>-epoll-N-M}: e.g. one group
     * shared by the many factories of an application with a database per tenant ({@code Builder.eventLoopGroup},
     * docs/lifecycle.md §8), {@code newEventLoopGroup("tenants", 2)}. {@code name} as
     * {@link PgConnectionFactory.Builder#name(String)} keeps it (never a secret: thread dumps show it).
     */
    public EventLoopGroup newEventLoopGroup(String name, int threads) {
        return newEventLoopGroup(name, threads, Duration.ZERO);
    }

    /**
     * A new event loop group for this transport whose loops, after reading an answer that no request followed in the
     * same loop turn, poll for up to {@code busyPoll} before they sleep ({@link Duration#ZERO}: they sleep at once, as
     * {@link #newEventLoopGroup(int)}'s do). Polling, a loop needs no wake-up for the request a caller submits right
     * after its answer; once it has written it, it sleeps again while the server works. A loop woken by a timer or a
     * task alone sleeps again at once. It holds a CPU while it polls, so it is opt-in: for one caller blocked on each
     * statement (docs/query.md §1, "event loop busy-poll"). Only pgconn's connections open a poll window.
     * Epoll and NIO loops can poll; io_uring's has no select strategy to poll with.
     *
     * @param busyPoll 0 to {@value #MAX_BUSY_POLL_MICROS} µs
     * @throws IllegalArgumentException when {@code busyPoll} is outside that range, or positive on io_uring
     */
    public EventLoopGroup newEventLoopGroup(int threads, Duration busyPoll) {
        return newEventLoopGroup(null, threads, busyPoll);
    }

    /** {@link #newEventLoopGroup(int, Duration)} with threads named as {@link #newEventLoopGroup(String, int)}'s; {@code name} may be null. */
    public EventLoopGroup newEventLoopGroup(String name, int threads, Duration busyPoll) {
        if (busyPoll.isNegative() || busyPoll.compareTo(Duration.ofNanos(MAX_BUSY_POLL_MICROS * 1000L)) > 0) {
            throw new IllegalArgumentException("invalid event loop busy-poll: " + busyPoll.toNanos() + " ns; expected 0 to "
                    + MAX_BUSY_POLL_MICROS + " µs");
        }
        if (!busyPoll.isZero() && this == IO_URING) {
            throw new IllegalArgumentException("event loop busy-poll (" + busyPoll.toNanos() + " ns) is not possible on the io_uring"
                    + " transport: its event loop has no select strategy; use epoll or NIO, or a busy-poll of 0");
        }
        if (!isAvailable()) {
            throw new IllegalStateException("the " + name().toLowerCase() + " transport is not available here"
                    + (this == IO_URING ? " (netty-transport-native-io_uring missing, or io_uring disabled by the kernel)"
                    : " (netty-transport-native-epoll missing or not loadable)"));
        }
        SelectStrategyFactory strategy = busyPoll.isZero() ? DefaultSelectStrategyFactory.INSTANCE
                : Implementation.busyPollStrategies(busyPoll);
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory(0, strategy);
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory(SelectorProvider.provider(), strategy);
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(FactoryName.threadPrefix(name, this), true), factory);
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
