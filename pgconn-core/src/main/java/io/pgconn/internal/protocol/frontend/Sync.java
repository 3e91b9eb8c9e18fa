package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * Sync: ends an extended-query exchange. The server closes the implicit transaction (if any),
 * answers ReadyForQuery, and after an error this is where it resumes reading messages.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SYNC">Sync</a>
 */
public record Sync() implements FrontendMessage {

    public static final Sync INSTANCE = new Sync();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte('S').writeInt(4);
    }
}
