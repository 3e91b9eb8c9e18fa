package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * SASLResponse: a further SASL message (for SCRAM, the client-final-message). The array is not
 * copied; {@code toString} shows its length only.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SASLRESPONSE">SASLResponse</a>
 */
public record SaslResponse(byte[] data) implements FrontendMessage {

    public SaslResponse {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'p');
        out.writeBytes(data);
        Writes.end(out, lengthIndex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslResponse other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SaslResponse[" + data.length + " bytes]";
    }
}
