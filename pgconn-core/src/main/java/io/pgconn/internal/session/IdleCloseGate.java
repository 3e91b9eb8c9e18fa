package io.pgconn.internal.session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a session is idle, for a close on the caller's thread (docs/lifecycle.md §4): nothing submitted that the
 * loop has not queued yet, nothing in the FIFO, nothing encoded or in the channel's outbound buffer. One atomic
 * count makes the caller's "idle, so closed now" and the start of new work exclude each other: a submit counts
 * itself in before its task is queued (and fails as closed when a caller took the close), the loop keeps one count
 * while it has work and gives it back when it is quiet, and a caller takes the close only from zero. So a request
 * submitted before a close on the same thread goes the loop's way (written, then the Terminate), and one racing a
 * close either counted itself in first (the close then goes the loop's way) or fails with the closed error; no byte
 * of it reaches the socket after the caller's Terminate.
 */
final class IdleCloseGate {

    /** A caller took the close: no work starts any more. */
    private static final int CLOSED = -1;

    /** {@link #CLOSED}, or the submits not yet queued plus one while the loop has work. */
    private final AtomicInteger work = new AtomicInteger();
    /** Whether the loop holds its count (event loop only). */
    private boolean loopBusy;

    /** Any thread, before a submit's task is queued: false when a caller took the close (the submit fails as closed). */
    boolean submitting() {
        for (;;) {
            int n = work.get();
            if (n == CLOSED) {
                return false;
            }
            if (work.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Event loop, when a submitted exchange is queued: its count becomes the loop's while the loop has work. */
    void queued() {
        if (loopBusy) {
            work.decrementAndGet();
        } else {
            loopBusy = true;
        }
    }

    /** Event loop: nothing is in flight, queued, encoded or waiting in the outbound buffer. */
    void quiet() {
        if (loopBusy) {
            loopBusy = false;
            work.decrementAndGet();
        }
    }

    /** A thread that is not the loop: takes the close when the session is idle; false when it is not (the loop closes). */
    boolean closeIfIdle() {
        return work.compareAndSet(0, CLOSED);
    }

    /** Whether a caller took the close: a close on the caller's thread was made (tests). */
    boolean closedByCaller() {
        return work.get() == CLOSED;
    }
}
