package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CloseComplete: a Close of a statement or portal succeeded.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CLOSECOMPLETE">CloseComplete</a>
 */
public record CloseComplete() implements BackendMessage {

    public static final CloseComplete INSTANCE = new CloseComplete();

    /** The body is empty; the decoder rejects any byte left over. */
    public static CloseComplete decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
