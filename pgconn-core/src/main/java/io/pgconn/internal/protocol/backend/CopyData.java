package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CopyData ('d') of a COPY TO STDOUT that pgconn refuses: read past and dropped, so the statement
 * can fail alone while the connection goes on. The content is skipped, never copied.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDATA">CopyData</a>
 */
public record CopyData() implements BackendMessage {

    public static final CopyData INSTANCE = new CopyData();

    public static CopyData decode(ByteBuf body, String host) {
        body.skipBytes(body.readableBytes());
        return INSTANCE;
    }
}
