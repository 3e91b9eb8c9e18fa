package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CopyDone ('c'): the end of a COPY TO STDOUT's data.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDONE">CopyDone</a>
 */
public record CopyDone() implements BackendMessage {

    public static final CopyDone INSTANCE = new CopyDone();

    /** The body is empty; the decoder rejects any byte left over. */
    public static CopyDone decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
