package io.pgconn.internal.protocol.backend;

/**
 * AuthenticationOk: the server accepted the credentials (or asked for none).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONOK">AuthenticationOk</a>
 */
public record AuthenticationOk() implements AuthenticationRequest {

    public static final AuthenticationOk INSTANCE = new AuthenticationOk();
}
