package io.pgconn;

/** Thrown when the server reported an error for a statement (ErrorResponse outside startup). */
public class PgServerException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgServerException(String host, String message) {
        super(host, message);
    }

    public PgServerException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgServerException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
