package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Terminate: a polite goodbye before closing the socket. Five constant bytes, written directly.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-TERMINATE">Terminate</a>
 */
public record Terminate() implements FrontendMessage {

    public static final Terminate INSTANCE = new Terminate();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte('X').writeInt(4);
    }
}
