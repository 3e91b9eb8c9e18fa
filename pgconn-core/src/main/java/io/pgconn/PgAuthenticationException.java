package io.pgconn;

/** Thrown when authentication failed or was refused by the client's own policy (require_auth, channel_binding, SCRAM verification). */
public class PgAuthenticationException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgAuthenticationException(String host, String message) {
        super(host, message);
    }

    public PgAuthenticationException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgAuthenticationException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }

    /**
     * A multi-host walk's report, made by {@link ConnectFailures}, with its deciding host's server fields; {@code walk}
     * may be {@code null}.
     */
    PgAuthenticationException(String message, ServerErrorFields serverFields, WalkReport walk) {
        super(message, serverFields, walk);
    }
}
