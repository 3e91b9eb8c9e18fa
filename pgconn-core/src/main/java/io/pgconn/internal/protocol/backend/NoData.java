package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * NoData: the described statement or portal returns no rows.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NODATA">NoData</a>
 */
public record NoData() implements BackendMessage {

    public static final NoData INSTANCE = new NoData();

    /** The body is empty; the decoder rejects any byte left over. */
    public static NoData decode(ByteBuf body, String host) {
        return INSTANCE;
    }
}
