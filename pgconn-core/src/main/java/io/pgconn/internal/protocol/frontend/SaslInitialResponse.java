package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConfigException;

import java.util.Arrays;

/**
 * SASLInitialResponse: the chosen mechanism and the client-first-message; {@code data} may be
 * {@code null} (sent as length -1). The array is not copied; {@code toString} shows its length only.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SASLINITIALRESPONSE">SASLInitialResponse</a>
 */
public record SaslInitialResponse(String mechanism, byte[] data) implements FrontendMessage {

    /** @throws PgConfigException for an empty mechanism name or one containing NUL */
    public SaslInitialResponse {
        Writes.requireNoNul(mechanism, "SASL mechanism name");
        if (mechanism.isEmpty()) {
            throw new PgConfigException(null, "SASL mechanism name must not be empty");
        }
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'p');
        Writes.cString(out, mechanism);
        if (data == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(data.length).writeBytes(data);
        }
        Writes.end(out, lengthIndex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslInitialResponse other && mechanism.equals(other.mechanism)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * mechanism.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SaslInitialResponse[mechanism=" + mechanism + ", data="
                + (data == null ? "none" : data.length + " bytes") + "]";
    }
}
