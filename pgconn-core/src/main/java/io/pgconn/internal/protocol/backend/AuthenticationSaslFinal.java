package io.pgconn.internal.protocol.backend;

import java.util.Arrays;

/**
 * AuthenticationSASLFinal: the outcome of SASL (for SCRAM, the server signature). The array is
 * not copied; {@code toString} shows only its length.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONSASLFINAL">AuthenticationSASLFinal</a>
 */
public record AuthenticationSaslFinal(byte[] data) implements AuthenticationRequest {

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationSaslFinal other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslFinal[" + data.length + " bytes]";
    }
}
