package io.pgconn;

/** Thrown when the operation cannot proceed because the connection or the factory is closed. */
public class PgClosedException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgClosedException(String host, String message) {
        super(host, message);
    }

    public PgClosedException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgClosedException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
