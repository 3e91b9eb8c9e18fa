package io.pgconn;

/**
 * A statement ran longer than the timeout set for it and was cancelled. {@link #sqlState()} is
 * always 57014 (query_canceled): the server's own fields are attached when it answered the cancel
 * with them; when it did not (the statement was still queued and never sent, a paged portal was
 * closed, the statement ended before the cancel reached it) the fields hold only that code. Rows
 * that arrived after the timeout were dropped. The connection stays usable.
 */
public class PgStatementTimeoutException extends PgServerException {

    private static final long serialVersionUID = 1L;

    public PgStatementTimeoutException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
