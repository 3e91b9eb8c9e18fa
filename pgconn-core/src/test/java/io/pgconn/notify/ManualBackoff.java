package io.pgconn.notify;

import io.pgconn.testing.Conditions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BackoffTimer} whose backoffs end only when the test says so: a test waits for "a
 * re-connect is waiting out its backoff" as a condition, and sees whether the subscriber cancelled
 * it, instead of watching a time window.
 */
final class ManualBackoff implements BackoffTimer {

    /** Every backoff asked for, in order. */
    final List<CompletableFuture<Void>> requested = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> after(Duration delay) {
        CompletableFuture<Void> backoff = new CompletableFuture<>();
        requested.add(backoff);
        return backoff;
    }

    /** Waits until a re-connect attempt waits out its backoff; @return that backoff. */
    CompletableFuture<Void> awaitPending() {
        Conditions.awaitCondition("a re-connect waiting out its backoff", () -> pending() != null);
        return pending();
    }

    /** Ends the pending backoff (as the timer would): the attempt connects. */
    void fire() {
        awaitPending().complete(null);
    }

    private CompletableFuture<Void> pending() {
        for (CompletableFuture<Void> backoff : requested) {
            if (!backoff.isDone()) {
                return backoff;
            }
        }
        return null;
    }
}
