package io.pgconn;

/** Thrown when a time budget ran out (hostConnectTimeout for one host, connectTimeout for the whole attempt). */
public class PgTimeoutException extends PgConnectException {

    private static final long serialVersionUID = 1L;

    public PgTimeoutException(String host, String message) {
        super(host, message);
    }

    public PgTimeoutException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgTimeoutException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
