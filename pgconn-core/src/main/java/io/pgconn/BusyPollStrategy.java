package io.pgconn;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

import java.util.function.LongSupplier;

/**
 * An event loop's choice between polling and sleeping ({@link Transport#newEventLoopGroup(int, java.time.Duration)}):
 * after the loop handled I/O (an answer read) and has no task to run, it polls — {@code epoll_wait} with a zero
 * timeout, then its task queue — for up to {@code windowNanos} before it sleeps in the kernel as Netty's default
 * strategy does. That is the gap in which a caller who was just handed an answer submits its next request: a loop
 * that polls needs no wake-up for it (Netty writes its eventfd only to a sleeping loop), so on a machine where an idle
 * CPU halts, no halted CPU is woken to write the request. Once it ran tasks (the request written), the loop sleeps
 * again at once, leaving the CPU to the server while it works; the answer wakes it. One per event loop, on its thread.
 */
final class BusyPollStrategy implements SelectStrategy {

    private final long windowNanos;
    private final LongSupplier clock;
    /** The loop handled I/O since it last ran tasks: poll for the next task until {@link #pollUntil}. */
    private boolean afterIo;
    private boolean polling;
    private long pollUntil;

    BusyPollStrategy(long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            polling = false;
            afterIo = false;
            return selectNow.get(); // Netty's default with tasks waiting
        }
        if (afterIo) {
            afterIo = false;
            polling = true;
            pollUntil = clock.getAsLong() + windowNanos;
        }
        if (polling) {
            int ready = selectNow.get();
            if (ready > 0) {
                afterIo = true;
                return ready;
            }
            if (clock.getAsLong() - pollUntil < 0) {
                return 0; // nothing ready: the loop looks at its (empty) task queue and asks again
            }
            polling = false;
        }
        afterIo = true; // what wakes the loop from this sleep is I/O, or a task (then hasTasks says so next)
        return SELECT;
    }
}
