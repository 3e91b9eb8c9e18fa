package io.pgconn;

/** Thrown when a configuration value is invalid; raised before anything is dialled. */
public class PgConfigException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgConfigException(String host, String message) {
        super(host, message);
    }

    public PgConfigException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgConfigException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
