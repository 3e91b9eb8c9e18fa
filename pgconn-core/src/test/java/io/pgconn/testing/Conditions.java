package io.pgconn.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waiting for a condition in a test: poll it until it holds, and fail after a deadline naming what
 * was awaited. The only pause allowed in a test is the poll interval inside such a loop.
 */
public final class Conditions {

    private static final long POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Conditions() {
    }

    /** Polls {@code condition} until it holds, failing after {@link Connect#LIMIT}. */
    public static void awaitCondition(String what, BooleanSupplier condition) {
        awaitCondition(what, Connect.LIMIT, condition);
    }

    /** Polls {@code condition} until it holds, failing after {@code limit}. */
    public static void awaitCondition(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not reached within " + limit.toMillis() + "ms: " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NANOS); // poll interval
        }
    }

    /** Polls {@code measure} until it is at most {@code limit}, failing after {@code within} with the last value seen. */
    public static void awaitAtMost(String what, LongSupplier measure, long limit, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long value;
        while ((value = measure.getAsLong()) > limit) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not settle within " + within.toMillis() + "ms: " + value + " > " + limit);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NANOS); // poll interval
        }
    }
}
