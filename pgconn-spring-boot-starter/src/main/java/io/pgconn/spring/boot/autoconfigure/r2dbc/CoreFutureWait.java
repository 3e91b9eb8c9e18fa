package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.FutureFailures;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link PgConnSessions}' wait for a core future: its outcome, or its failure as the core threw it (a
 * {@link io.pgconn.PgException} with its SQLSTATE), not wrapped in a {@link CompletionException}.
 */
final class CoreFutureWait {

    private CoreFutureWait() {
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException wrapped) {
            throw unwrapped(wrapped);
        }
    }

    /**
     * As {@link #await(CompletableFuture)}, for at most {@code limit}: then an {@link IllegalStateException} saying
     * that {@code what} was not answered. An interrupt does not cut the wait short (AUDIT-13 L3: one the work left
     * set closed a healthy session, and made a COMMIT's outcome "unknown"); the wait is bounded anyway, and the
     * thread's interrupt flag is set again when it ends.
     */
    static <T> T awaitAtMost(CompletableFuture<T> future, Duration limit, Supplier<String> what) {
        return awaitAtMost(future, limit, what, "", () -> { });
    }

    /**
     * As {@link #awaitAtMost(CompletableFuture, Duration, Supplier)}; when {@code what} is not answered, first runs
     * {@code unanswered} (the session's state is unknown then) and ends the message with {@code consequence}.
     */
    static <T> T awaitAtMost(CompletableFuture<T> future, Duration limit, Supplier<String> what, String consequence,
            Runnable unanswered) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException wrapped) {
            throw unwrapped(wrapped);
        } catch (TimeoutException e) {
            unanswered.run();
            throw new IllegalStateException(what.get() + " not answered within " + limit.toMillis() + " ms" + consequence);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException unwrapped(Exception wrapped) {
        Throwable failure = FutureFailures.unwrap(wrapped);
        if (failure instanceof RuntimeException unchecked) {
            return unchecked;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new CompletionException(failure);
    }
}
