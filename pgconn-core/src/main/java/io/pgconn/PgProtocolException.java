package io.pgconn;

/** Thrown when the server broke the wire protocol (bad length, unexpected message, malformed content). */
public class PgProtocolException extends PgException {

    private static final long serialVersionUID = 1L;

    public PgProtocolException(String host, String message) {
        super(host, message);
    }

    public PgProtocolException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgProtocolException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
