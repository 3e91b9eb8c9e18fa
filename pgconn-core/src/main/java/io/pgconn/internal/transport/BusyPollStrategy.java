package io.pgconn.internal.transport;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.FastThreadLocal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * An event loop's choice between polling and sleeping ({@code Transport.newEventLoopGroup(threads, busyPoll)}): after
 * pgconn read an answer on the loop ({@link #answerRead(Object)}) and no request followed it in the same loop turn
 * ({@link #requestWritten(Object)}), the loop polls — {@code epoll_wait} with a zero timeout, then its task queue — for up
 * to {@code windowNanos} before it sleeps in the kernel as Netty's default strategy does. That is the gap in which a
 * caller who was just handed an answer submits its next request: a loop that polls needs no wake-up for it (Netty
 * writes its eventfd only to a sleeping loop), so on a machine where an idle CPU halts, no halted CPU is woken to write
 * the request. Once the request is written, the loop sleeps again at once, leaving the CPU to the server while it
 * works; the answer wakes it. A loop woken by anything else — a timer's deadline, a task that reads nothing — sleeps
 * again at once: the loop itself cannot tell what woke it (on epoll a deadline is a ready timerfd, as an answer is a
 * ready socket), so pgconn's read and write paths tell it.
 *
 * <p>Per connection: a loop serves several, and a request one connection writes says nothing of the caller another
 * one's answer was just handed to (REVIEW-12 M1: B's request written in the turn that read A's answer closed A's
 * window). So the window stays open while some connection whose answer was read has written no request since; the
 * connections are forgotten when the window ends (an idle pooled connection whose caller never comes back keeps no
 * later window open).
 *
 * <p>One per event loop, used on its thread only; the read and write paths find it through a thread-local that it
 * sets on its first turn. On a loop of another strategy (or another transport) they find none and do nothing.
 */
public final class BusyPollStrategy implements SelectStrategy {

    private static final FastThreadLocal<BusyPollStrategy> ON_THIS_LOOP = new FastThreadLocal<>();
    /** How many connections awaiting a request a window tells apart (a linear scan each read and write). */
    static final int TRACKED = 8;

    private final long windowNanos;
    private final LongSupplier clock;
    private boolean registered;
    /** An answer was read and its connection wrote no request since: open (or restart) a poll window on the next turn. */
    private boolean answerUnfollowed;
    /**
     * The connections (channels) whose answer was read during this window, or since the last turn, and that wrote no
     * request since: compared by identity, at most {@link #TRACKED} of them (a window lasts microseconds; a loop that
     * reads more answers than that between two sleeps is busy anyway).
     */
    private final List<Object> awaitingRequest = new ArrayList<>(TRACKED);
    /** More connections awaited than are tracked: no request closes the window, which runs to its end. */
    private boolean untracked;
    private boolean polling;
    private long pollUntil;
    private long pollWindows;

    /** What the loop does between two looks that found nothing ({@link #betweenLooks(int)}). */
    private final Runnable betweenLooks;

    BusyPollStrategy(long windowNanos, LongSupplier clock) {
        this(windowNanos, clock, NOTHING);
    }

    BusyPollStrategy(long windowNanos, LongSupplier clock, Runnable betweenLooks) {
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.betweenLooks = betweenLooks;
    }

    private static final Runnable NOTHING = () -> { };

    /** Strategies for the loops of a group that busy-polls for {@code window}, one per loop. */
    public static SelectStrategyFactory factory(Duration window) {
        long nanos = window.toNanos();
        Runnable between = betweenLooks(Runtime.getRuntime().availableProcessors());
        return () -> new BusyPollStrategy(nanos, System::nanoTime, between);
    }

    /**
     * With one CPU (a container's limit, {@code taskset}) a polling loop offers it between two looks that found nothing
     * ({@link Thread#yield()}): the caller it polls for — woken by the answer the loop just completed — can only run,
     * and submit, on that CPU, and a loop polling on without yielding kept it off until the window ended or the
     * scheduler took the CPU away (pinned, one blocked caller's p50 3.5–4.1× pgjdbc's, 1.06–1.18× with the yield:
     * pgconn-benchmarks/results/2026-12-08-session34-perf.md). With more CPUs the caller runs beside the loop, and the
     * poll keeps its CPU: a yield where other threads are runnable would give them a whole time slice (as CallerStart's
     * wait, REVIEW-29 R29-11).
     */
    static Runnable betweenLooks(int cpus) {
        return cpus == 1 ? Thread::yield : NOTHING;
    }

    /**
     * pgconn's read path, on the event loop: bytes of an answer arrived on {@code connection} (its channel). Opens a
     * poll window on a busy-polling loop.
     */
    public static void answerRead(Object connection) {
        BusyPollStrategy strategy = ON_THIS_LOOP.getIfExists();
        if (strategy != null) {
            strategy.answerUnfollowed = true;
            if (strategy.awaitingRequest.size() == TRACKED) {
                strategy.untracked |= !strategy.awaits(connection);
            } else if (!strategy.awaits(connection)) {
                strategy.awaitingRequest.add(connection);
            }
        }
    }

    /**
     * pgconn's write path, on the event loop: {@code connection} (its channel) wrote a request, whose answer will wake
     * the loop. The window closes when no other connection's caller is still to submit after its answer.
     */
    public static void requestWritten(Object connection) {
        BusyPollStrategy strategy = ON_THIS_LOOP.getIfExists();
        if (strategy != null && strategy.followed(connection) && strategy.awaitingRequest.isEmpty() && !strategy.untracked) {
            strategy.answerUnfollowed = false;
            strategy.polling = false;
        }
    }

    private boolean awaits(Object connection) {
        for (int i = 0; i < awaitingRequest.size(); i++) {
            if (awaitingRequest.get(i) == connection) {
                return true;
            }
        }
        return false;
    }

    /** Takes {@code connection} out of the ones awaited; whether it was one (a request of another one changes nothing). */
    private boolean followed(Object connection) {
        for (int i = 0; i < awaitingRequest.size(); i++) {
            if (awaitingRequest.get(i) == connection) {
                awaitingRequest.remove(i);
                return true;
            }
        }
        return false;
    }

    /** How many poll windows the strategy of the current thread's loop opened; -1 on a thread of no busy-polling loop. */
    public static long pollWindowsOnThisLoop() {
        BusyPollStrategy strategy = ON_THIS_LOOP.getIfExists();
        return strategy == null ? -1 : strategy.pollWindows;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (!registered) {
            registered = true;
            ON_THIS_LOOP.set(this);
        }
        if (answerUnfollowed) {
            answerUnfollowed = false;
            polling = true;
            pollUntil = clock.getAsLong() + windowNanos;
            pollWindows++;
        }
        if (hasTasks) {
            return selectNow.get(); // Netty's default with tasks waiting; a window stays open until a request is written
        }
        if (polling) {
            int ready = selectNow.get();
            if (ready > 0) {
                return ready;
            }
            if (clock.getAsLong() - pollUntil < 0) {
                betweenLooks.run(); // one CPU: the caller's turn to run
                return 0; // nothing ready: the loop looks at its (empty) task queue and asks again
            }
            polling = false;
        }
        awaitingRequest.clear(); // asleep: a caller who comes back now wakes the loop, as on any loop
        untracked = false;
        return SELECT;
    }
}
