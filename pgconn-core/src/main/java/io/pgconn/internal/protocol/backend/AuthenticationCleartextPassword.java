package io.pgconn.internal.protocol.backend;

/**
 * AuthenticationCleartextPassword: the server wants the password in clear text.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONCLEARTEXTPASSWORD">AuthenticationCleartextPassword</a>
 */
public record AuthenticationCleartextPassword() implements AuthenticationRequest {

    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();
}
