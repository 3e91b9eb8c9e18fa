package io.pgconn.testkit;

import java.time.Duration;

/** A condition polled until it holds, every 20 ms: how the testkit waits, never a fixed sleep. */
@FunctionalInterface
interface PolledCondition {

    /** Whether it holds now; an exception counts as not yet (the last one is the timeout's cause). */
    boolean holds();

    /**
     * Polls {@code condition} until it holds.
     *
     * @throws PgTestkitException when it does not hold within {@code timeout}
     */
    static void await(String what, Duration timeout, PolledCondition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Os.pause(20);
        }
        throw new PgTestkitException("timed out after " + timeout + " waiting for " + what, last);
    }
}
