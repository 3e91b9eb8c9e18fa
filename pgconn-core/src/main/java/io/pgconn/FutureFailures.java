package io.pgconn;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The failure behind a future's wrappers. A {@link java.util.concurrent.CompletableFuture} stage that
 * depends on a failed one sees the failure wrapped in a {@link CompletionException}, and
 * {@code get()} throws it wrapped in an {@link ExecutionException}; what a caller wants to tell apart
 * (a {@link PgException} and its host, SQLSTATE ...) is the cause inside. Public because the API's own
 * code ({@code io.pgconn.notify}), the internal connect path, the R2DBC driver and the starter all
 * unwrap the same way; an application may use it too.
 */
public final class FutureFailures {

    private FutureFailures() {
    }

    /**
     * {@code failure} without its {@link CompletionException} and {@link ExecutionException} wrappers
     * (however deep): the first throwable that is not one, or a wrapper without a cause. Null for null.
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
