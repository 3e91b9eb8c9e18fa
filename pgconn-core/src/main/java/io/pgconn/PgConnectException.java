package io.pgconn;

/** Thrown when the connection to a host could not be established or was lost (refused, reset, closed by the server, cannot connect now, too many connections). */
public class PgConnectException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgConnectException(String host, String message) {
        super(host, message);
    }

    public PgConnectException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgConnectException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }

    /** A multi-host walk's report, made by {@link ConnectFailures}; {@code walk} may be {@code null}. */
    PgConnectException(String message, WalkReport walk) {
        super(message, ServerErrorFields.NONE, walk);
    }
}
