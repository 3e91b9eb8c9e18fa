package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * PortalSuspended: an Execute reached its row limit.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PORTALSUSPENDED">PortalSuspended</a>
 */
public record PortalSuspended() implements BackendMessage {

    public static final PortalSuspended INSTANCE = new PortalSuspended();

    /** The body is empty; the decoder rejects any byte left over. */
    public static PortalSuspended decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
