package io.pgconn.internal.protocol.backend;

import java.util.Arrays;

/**
 * AuthenticationSASLContinue: a server challenge (for SCRAM, the server-first-message). The array
 * is not copied; {@code toString} shows only its length.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONSASLCONTINUE">AuthenticationSASLContinue</a>
 */
public record AuthenticationSaslContinue(byte[] data) implements AuthenticationRequest {

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationSaslContinue other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslContinue[" + data.length + " bytes]";
    }
}
