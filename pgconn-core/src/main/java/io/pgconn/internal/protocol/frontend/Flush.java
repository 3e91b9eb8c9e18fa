package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Flush: asks the server to send what it has produced so far without ending the exchange (used
 * between row-limited Executes of one portal, where a Sync would close the portal).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FLUSH">Flush</a>
 */
public record Flush() implements FrontendMessage {

    public static final Flush INSTANCE = new Flush();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte('H').writeInt(4);
    }
}
