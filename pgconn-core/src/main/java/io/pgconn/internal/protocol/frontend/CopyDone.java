package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * CopyDone ('c'): the end of a COPY FROM STDIN's data; the server answers with the COPY's CommandComplete (or its
 * error) and ReadyForQuery.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDONE">CopyDone</a>
 */
public record CopyDone() implements FrontendMessage {

    public static final CopyDone INSTANCE = new CopyDone();

    @Override
    public void encode(ByteBuf out) {
        out.writeByte('c').writeInt(4);
    }
}
