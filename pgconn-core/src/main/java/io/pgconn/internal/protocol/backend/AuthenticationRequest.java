package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * An Authentication ('R') message: the int32 code after the length says which request it is.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONOK">Authentication messages</a>
 */
public sealed interface AuthenticationRequest extends BackendMessage
        permits AuthenticationOk, AuthenticationCleartextPassword, AuthenticationMd5Password,
                AuthenticationSasl, AuthenticationSaslContinue, AuthenticationSaslFinal,
                AuthenticationUnsupported {

    /** Decodes the body of an 'R' message. */
    static AuthenticationRequest decode(ByteBuf body, String host) {
        Bodies.need(body, 4, host, "Authentication request");
        int code = body.readInt();
        return switch (code) {
            case 0 -> AuthenticationOk.INSTANCE;
            case 3 -> AuthenticationCleartextPassword.INSTANCE;
            case 5 -> AuthenticationMd5Password.decode(body, host);
            case 10 -> AuthenticationSasl.decode(body, host);
            case 11 -> new AuthenticationSaslContinue(Bodies.rest(body));
            case 12 -> new AuthenticationSaslFinal(Bodies.rest(body));
            default -> AuthenticationUnsupported.decode(code, body);
        };
    }
}
