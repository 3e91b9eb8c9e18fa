package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/**
 * CopyData ('d') of a COPY FROM STDIN: one piece of the caller's data. Encoding copies the remaining bytes of
 * {@code data} (from its position to its limit) into the write buffer without moving the buffer's position; the
 * caller's buffer is not kept. At most {@link #MAX_BYTES} per message: a larger chunk is sent as several
 * ({@link #encodeChunk}), which the server reads as one stream; an empty chunk writes nothing.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDATA">CopyData</a>
 */
public record CopyData(ByteBuffer data) implements FrontendMessage {

    /** The most bytes one message carries (well under the server's 1 GB message limit). */
    public static final int MAX_BYTES = 1 << 20;

    @Override
    public void encode(ByteBuf out) {
        encodeChunk(data, out);
    }

    /** Writes the remaining bytes of {@code data} as CopyData messages of at most {@link #MAX_BYTES} each. */
    static void encodeChunk(ByteBuffer data, ByteBuf out) {
        ByteBuffer rest = data.duplicate(); // the caller's position and limit stay as they are
        int end = rest.limit();
        while (rest.hasRemaining()) {
            int piece = Math.min(end - rest.position(), MAX_BYTES);
            rest.limit(rest.position() + piece);
            out.ensureWritable(5 + piece);
            int lengthIndex = Writes.begin(out, 'd');
            out.writeBytes(rest);
            Writes.end(out, lengthIndex);
            rest.limit(end);
        }
    }
}
