package io.pgconn.internal.failover;

import java.util.concurrent.TimeUnit;

/**
 * What a connect timeout's message says when its timer ran late. Timeouts blame the server; when the timer
 * itself ran late — the client's event loop was blocked or busy (a blocking call on it), or the JVM paused —
 * the time was lost in this process, and the message says so (docs/lifecycle.md §3). Measured for free: when
 * the timer ran against when it was due.
 */
final class Lateness {

    /** A timer later than this is not the scheduler's jitter. */
    static final long WORTH_SAYING_MILLIS = 100;

    private Lateness() {
    }

    /** The words to append to a timeout's message: nothing for a timer on time. */
    static String of(long lateNanos) {
        long lateMillis = TimeUnit.NANOSECONDS.toMillis(lateNanos);
        return lateMillis < WORTH_SAYING_MILLIS ? "" : " (this client's event loop ran the timeout " + lateMillis
                + "ms after it was due: it was blocked or busy, or the JVM paused, so the time may have been lost in"
                + " this process, not on the server)";
    }
}
