package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * AuthenticationMD5Password with its 4-byte salt. The array is not copied.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONMD5PASSWORD">AuthenticationMD5Password</a>
 */
public record AuthenticationMd5Password(byte[] salt) implements AuthenticationRequest {

    static AuthenticationMd5Password decode(ByteBuf body, String host) {
        Bodies.need(body, 4, host, "AuthenticationMD5Password");
        byte[] salt = new byte[4];
        body.readBytes(salt);
        return new AuthenticationMd5Password(salt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationMd5Password other && Arrays.equals(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }

    /** Length only, like every other byte payload of the authentication exchange. */
    @Override
    public String toString() {
        return "AuthenticationMd5Password[salt=" + salt.length + " bytes]";
    }
}
