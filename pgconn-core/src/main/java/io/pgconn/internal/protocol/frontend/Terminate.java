package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;

/**
 * Terminate: a polite goodbye before closing the socket. Five constant bytes, written directly.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-TERMINATE">Terminate</a>
 */
public record Terminate() implements FrontendMessage {

    public static final Terminate INSTANCE = new Terminate();

    /** Its bytes in native memory, for a send straight to the socket; never written to after this. */
    private static final ByteBuffer DIRECT = directCopy();

    private static ByteBuffer directCopy() {
        ByteBuf encoded = Unpooled.buffer(5);
        try {
            INSTANCE.encode(encoded);
            ByteBuffer direct = ByteBuffer.allocateDirect(encoded.readableBytes());
            direct.put(encoded.nioBuffer()).flip();
            return direct;
        } finally {
            encoded.release();
        }
    }

    /** Its five bytes in a direct buffer of their own position and limit (a view: the bytes are shared, not copied). */
    public static ByteBuffer directBytes() {
        return DIRECT.duplicate();
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeByte('X').writeInt(4);
    }
}
