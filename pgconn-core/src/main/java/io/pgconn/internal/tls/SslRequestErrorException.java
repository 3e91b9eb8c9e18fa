package io.pgconn.internal.tls;

import io.pgconn.PgTlsException;

/**
 * The server answered SSLRequest with an ErrorResponse ('E') instead of 'S' or 'N'. libpq treats this
 * as a server failure (e.g. it could not fork a backend) and neither shows the text, which comes from
 * a server not yet authenticated, nor retries in plaintext: under {@code sslmode=prefer} a
 * man-in-the-middle could otherwise force a downgrade by answering 'E'.
 */
public final class SslRequestErrorException extends PgTlsException {

    private static final long serialVersionUID = 1L;

    public SslRequestErrorException(String host, String message) {
        super(host, message);
    }
}
