package io.pgconn;

/**
 * A statement's timeout (counted from its submission) passed; the server was asked to stop it where
 * that was safe. {@link #sqlState()} is always 57014 (query_canceled). When the server answered the
 * cancel, its fields are attached and {@link #getCause()} is its {@link PgServerException}. Otherwise
 * the fields hold only that code and there is no cause: the statement was still queued behind
 * earlier requests (the message says so and how many: then it was not run, or, already sent, it is
 * cancelled when it starts), a paged portal was closed, the statement finished before the cancel
 * reached it, or the server did not answer within max(1 s, timeout) — it may then have had its
 * effect, or may still be running (docs/query.md §5). Rows that arrived after the timeout were
 * dropped. The connection stays usable; later requests on it wait for the statement's end.
 */
public class PgStatementTimeoutException extends PgServerException {

    private static final long serialVersionUID = 1L;

    public PgStatementTimeoutException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
