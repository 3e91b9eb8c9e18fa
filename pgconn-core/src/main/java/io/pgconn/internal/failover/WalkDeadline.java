package io.pgconn.internal.failover;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgconn.PgTimeoutException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * {@code connectTimeout}'s timer over one {@link ConnectWalk} (docs/lifecycle.md §3): armed on the walk's loop when
 * the walk begins, due when connectTimeout has passed since the connect was created (not since the loop got to it: a
 * busy loop's delay before the walk begins counts against the deadline, as it does in {@link WalkTime}), cancelled
 * when it ends (also when the caller cancelled just before it was armed: the walk arms it, then looks whether it has
 * ended), and the timeout the walk fails with when it passes — naming the host it cut short and the
 * hosts tried so far. Whether the time has run out between two attempts is {@link WalkTime}'s.
 */
final class WalkDeadline {

    private final Duration connectTimeout;
    private volatile ScheduledFuture<?> timer;

    WalkDeadline(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Arms the timer on {@code loop} unless connectTimeout is 0 (none), due {@code leftNanos} from now (at once when
     * none is left); {@code passed} gets how late it ran after its due time, in nanoseconds — a loop that began the
     * walk after the due time shows in it, as a loop that ran the timer late does.
     */
    void arm(EventLoop loop, long leftNanos, LongConsumer passed) {
        if (connectTimeout.isZero()) {
            return;
        }
        // due may have passed already (the loop got to the walk late): the lateness then counts from the true due time
        long due = System.nanoTime() + leftNanos;
        timer = loop.schedule(() -> passed.accept(System.nanoTime() - due), Math.max(0, leftNanos), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        ScheduledFuture<?> armed = timer;
        if (armed != null) {
            armed.cancel(false);
        }
    }

    /**
     * The walk's failure when the deadline passed.
     *
     * @param label      the host being looked up or tried, or null when none was (between two attempts)
     * @param waiting    what the host's attempt was still waiting for on the file-read pool ({@code AttemptScope.stillWaiting}:
     *                   the TLS files before its dial, the password file the server asked for), or ""
     * @param lateNanos  how long after its due time the timer that called ran
     * @param triedSoFar the hosts that failed before ({@link WalkFailures#triedSoFar})
     */
    PgTimeoutException passed(String label, String waiting, long lateNanos, String triedSoFar) {
        return new PgTimeoutException(label, "could not connect within connectTimeout=" + connectTimeout.toMillis() + "ms"
                + (label == null ? "" : ": server " + label + " had not completed the connection when the deadline passed" + waiting)
                + Lateness.of(lateNanos)
                + triedSoFar);
    }
}
