package io.pgconn;

/**
 * A statement ran longer than the timeout set for it and was cancelled (the server's 57014 fields
 * are attached when its answer arrived). The connection stays usable.
 */
public class PgStatementTimeoutException extends PgServerException {

    private static final long serialVersionUID = 1L;

    public PgStatementTimeoutException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
