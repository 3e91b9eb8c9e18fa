package io.pgconn.notify;

import io.pgconn.PgConnection;

import java.util.concurrent.CompletableFuture;

/** Closing a connection the subscriber no longer needs, where a failure to close changes nothing. */
final class QuietClose {

    private QuietClose() {
    }

    /**
     * {@code c.close()} (nothing for null), completing normally whatever happens: a connection of a
     * closed factory is closed already, and one the server ended has nothing left to close.
     */
    static CompletableFuture<Void> of(PgConnection c) {
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return c.close().exceptionally(error -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
