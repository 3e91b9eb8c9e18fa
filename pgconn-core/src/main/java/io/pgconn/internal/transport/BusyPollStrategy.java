package io.pgconn.internal.transport;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.FastThreadLocal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An event loop's choice between polling and sleeping ({@code Transport.newEventLoopGroup(threads, busyPoll)}): after
 * pgconn read an answer on the loop ({@link #answerRead()}) and no request followed it in the same loop turn
 * ({@link #requestWritten()}), the loop polls — {@code epoll_wait} with a zero timeout, then its task queue — for up
 * to {@code windowNanos} before it sleeps in the kernel as Netty's default strategy does. That is the gap in which a
 * caller who was just handed an answer submits its next request: a loop that polls needs no wake-up for it (Netty
 * writes its eventfd only to a sleeping loop), so on a machine where an idle CPU halts, no halted CPU is woken to write
 * the request. Once the request is written, the loop sleeps again at once, leaving the CPU to the server while it
 * works; the answer wakes it. A loop woken by anything else — a timer's deadline, a task that reads nothing — sleeps
 * again at once: the loop itself cannot tell what woke it (on epoll a deadline is a ready timerfd, as an answer is a
 * ready socket), so pgconn's read and write paths tell it.
 *
 * <p>One per event loop, used on its thread only; the read and write paths find it through a thread-local that it
 * sets on its first turn. On a loop of another strategy (or another transport) they find none and do nothing.
 */
public final class BusyPollStrategy implements SelectStrategy {

    private static final FastThreadLocal<BusyPollStrategy> ON_THIS_LOOP = new FastThreadLocal<>();

    private final long windowNanos;
    private final LongSupplier clock;
    private boolean registered;
    /** An answer was read and no request written since: open a poll window on the next turn. */
    private boolean answerUnfollowed;
    private boolean polling;
    private long pollUntil;
    private long pollWindows;

    BusyPollStrategy(long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** Strategies for the loops of a group that busy-polls for {@code window}, one per loop. */
    public static SelectStrategyFactory factory(Duration window) {
        long nanos = window.toNanos();
        return () -> new BusyPollStrategy(nanos, System::nanoTime);
    }

    /** pgconn's read path, on the event loop: bytes of an answer arrived. Opens a poll window on a busy-polling loop. */
    public static void answerRead() {
        BusyPollStrategy strategy = ON_THIS_LOOP.getIfExists();
        if (strategy != null) {
            strategy.answerUnfollowed = true;
        }
    }

    /** pgconn's write path, on the event loop: a request was written. Its answer will wake the loop: no poll for it. */
    public static void requestWritten() {
        BusyPollStrategy strategy = ON_THIS_LOOP.getIfExists();
        if (strategy != null) {
            strategy.answerUnfollowed = false;
            strategy.polling = false;
        }
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
                return 0; // nothing ready: the loop looks at its (empty) task queue and asks again
            }
            polling = false;
        }
        return SELECT;
    }
}
