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
     * As {@link #await(CompletableFuture)}, for at most {@code limit}: then, or when the thread is interrupted
     * (its flag kept), an {@link IllegalStateException} saying that {@code what} was not answered.
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
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException wrapped) {
            throw unwrapped(wrapped);
        } catch (TimeoutException e) {
            unanswered.run();
            throw new IllegalStateException(what.get() + " not answered within " + limit.toMillis() + " ms" + consequence);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unanswered.run();
            throw new IllegalStateException(what.get() + " not waited for: the thread was interrupted" + consequence);
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
