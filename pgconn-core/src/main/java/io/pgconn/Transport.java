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

    /**
     * A new group of caller-run event loops for this transport (docs/query.md §1, "caller-run event loops"): a thread
     * blocked on a statement's future ({@code join()}, {@code get()}) of a connection on it runs the connection's loop
     * itself while it waits — the request is sent and the answer read on that thread, one context switch per round
     * trip as with a blocking driver — and each loop has one background thread ({@code pgconn-<name>-epoll-N-M},
     * daemon) that runs it while no caller waits: notifications, the server's close, timers and asynchronous use are
     * served as on a plain group. The background thread takes the loop back once no caller has run it for
     * {@code linger} ({@link #DEFAULT_CALLER_RUN_LINGER} by the two-argument form), checking once per linger meanwhile.
     * For threads that block on each statement (a JDBC-style loop), best with {@code blockingWaitSpin} (the caller polls
     * the loop for it before it blocks); not for reactive or R2DBC use, where no caller waits and it is a plain group
     * with a linger's delay before the background thread takes a loop back. Epoll (where a caller also sends its own
     * request) and NIO; shut it down as any group ({@code shutdownGracefully}) when the factory does not own it.
     *
     * @throws IllegalArgumentException on io_uring, or a linger outside 10 µs to 1 s
     */
    public EventLoopGroup newCallerRunEventLoopGroup(String name, int threads, Duration linger) {
        if (this == IO_URING) {
            throw new IllegalArgumentException("caller-run event loops are not available on the io_uring transport; use epoll or NIO");
        }
        if (linger.compareTo(Duration.ofNanos(10_000)) < 0 || linger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("invalid caller-run linger: " + linger.toNanos() + " ns; expected 10 µs to 1 s");
        }
        if (!isAvailable()) {
            throw new IllegalStateException("the " + name().toLowerCase() + " transport is not available here"
                    + " (netty-transport-native-epoll missing or not loadable)");
        }
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return Implementation.callerRunGroup(threads, new DefaultThreadFactory(FactoryName.threadPrefix(name, this), true), factory,
                linger);
    }

    /** {@link #newCallerRunEventLoopGroup(String, int, Duration)} with the {@link #DEFAULT_CALLER_RUN_LINGER}. */
    public EventLoopGroup newCallerRunEventLoopGroup(String name, int threads) {
        return newCallerRunEventLoopGroup(name, threads, DEFAULT_CALLER_RUN_LINGER);
    }

    /** How long a caller-run loop stays unled after a caller ran it before its background thread takes it: 1 ms. */
    public static final Duration DEFAULT_CALLER_RUN_LINGER = Duration.ofMillis(1);

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
