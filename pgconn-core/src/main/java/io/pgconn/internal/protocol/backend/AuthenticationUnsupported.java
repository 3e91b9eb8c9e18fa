package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * An authentication request this client does not implement (Kerberos, GSS, SSPI, ...). It is
 * decoded rather than rejected so that the handshake can report "unsupported authentication
 * method <name>" instead of a bare protocol error.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONKERBEROSV5">Authentication messages</a>
 */
public record AuthenticationUnsupported(int code) implements AuthenticationRequest {

    /** Skips any payload (GSSContinue carries data): the request is refused anyway. */
    static AuthenticationUnsupported decode(int code, ByteBuf body) {
        body.skipBytes(body.readableBytes());
        return new AuthenticationUnsupported(code);
    }

    /** The method's name as the protocol documentation spells it. */
    public String methodName() {
        return switch (code) {
            case 2 -> "KerberosV5";
            case 6 -> "SCMCredential";
            case 7 -> "GSS";
            case 8 -> "GSSContinue";
            case 9 -> "SSPI";
            default -> "unknown authentication code " + code;
        };
    }
}
