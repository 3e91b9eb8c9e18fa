package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.FutureFailures;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
            Throwable failure = FutureFailures.unwrap(wrapped);
            if (failure instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw wrapped;
        }
    }
}
