package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * BackendKeyData: the process id and secret key a CancelRequest must quote. The key is 4..256
 * bytes (protocol 3.2); that a 3.0 server sends exactly 4 is checked by the startup handshake,
 * which knows the negotiated version. The array is not copied; {@code toString} hides the key.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BACKENDKEYDATA">BackendKeyData</a>
 */
public record BackendKeyData(int processId, byte[] secretKey) implements BackendMessage {

    /** Bounds of the secret key length in protocol 3.2. */
    public static final int MIN_KEY_LENGTH = 4;
    public static final int MAX_KEY_LENGTH = 256;

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static BackendKeyData decode(ByteBuf body, String host) {
        Bodies.need(body, 4, host, "BackendKeyData");
        int processId = body.readInt();
        int keyLength = body.readableBytes();
        if (keyLength < MIN_KEY_LENGTH || keyLength > MAX_KEY_LENGTH) {
            throw Bodies.malformed(host, "BackendKeyData", "secret key of " + keyLength
                    + " bytes (expected " + MIN_KEY_LENGTH + ".." + MAX_KEY_LENGTH + ")");
        }
        return new BackendKeyData(processId, Bodies.rest(body));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendKeyData other && processId == other.processId
                && Arrays.equals(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=" + secretKey.length + " bytes]";
    }
}
