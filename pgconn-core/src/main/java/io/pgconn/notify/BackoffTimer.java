package io.pgconn.notify;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits out the backoff before a re-connect attempt ({@link ReconnectLoop}). The loop cancels the
 * future it got when the subscription ends, so that attempt never connects. A seam for tests, which
 * decide when a backoff ends and see whether it was cancelled instead of waiting for a time window.
 */
interface BackoffTimer {

    /** The common pool's delayed executor: a future that completes {@code delay} from now. */
    BackoffTimer SYSTEM = delay -> CompletableFuture.runAsync(() -> { },
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));

    /** A future that completes when {@code delay} has passed. */
    CompletableFuture<Void> after(Duration delay);
}
