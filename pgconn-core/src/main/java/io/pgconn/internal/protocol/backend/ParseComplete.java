package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * ParseComplete: a Parse of the extended query protocol succeeded.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSECOMPLETE">ParseComplete</a>
 */
public record ParseComplete() implements BackendMessage {

    public static final ParseComplete INSTANCE = new ParseComplete();

    /** The body is empty; the decoder rejects any byte left over. */
    public static ParseComplete decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
