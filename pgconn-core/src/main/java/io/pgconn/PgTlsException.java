package io.pgconn;

/** Thrown when TLS could not be negotiated or the server's certificate was refused. */
public class PgTlsException extends PgConnectException {

    private static final long serialVersionUID = 1L;

    public PgTlsException(String host, String message) {
        super(host, message);
    }

    public PgTlsException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    public PgTlsException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
    }
}
