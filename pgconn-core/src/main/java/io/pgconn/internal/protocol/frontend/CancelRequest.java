package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * CancelRequest, sent on a new connection with the process id and secret key from BackendKeyData.
 * Any key length is written as given (4 bytes in protocol 3.0, up to 256 in 3.2). The array is not
 * copied; {@code toString} hides the key.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CANCELREQUEST">CancelRequest</a>
 */
public record CancelRequest(int processId, byte[] secretKey) implements FrontendMessage {

    /** 1234 in the high 16 bits, 5678 in the low. */
    public static final int CODE = 80877102;

    public CancelRequest {
        Objects.requireNonNull(secretKey, "secretKey");
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.beginUntyped(out);
        out.writeInt(CODE).writeInt(processId).writeBytes(secretKey);
        Writes.end(out, lengthIndex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CancelRequest other && processId == other.processId
                && Arrays.equals(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "CancelRequest[processId=" + processId + ", secretKey=" + secretKey.length + " bytes]";
    }
}
