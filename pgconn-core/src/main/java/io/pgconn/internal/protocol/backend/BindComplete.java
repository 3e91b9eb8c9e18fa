package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * BindComplete: a Bind of the extended query protocol succeeded.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BINDCOMPLETE">BindComplete</a>
 */
public record BindComplete() implements BackendMessage {

    public static final BindComplete INSTANCE = new BindComplete();

    /** The body is empty; the decoder rejects any byte left over. */
    public static BindComplete decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
