package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CopyData ('d') of a COPY TO STDOUT: one piece of its output (PostgreSQL sends one row per message in the text and
 * CSV formats). The bytes are copied out of the read buffer into an array of their own, so nothing of the socket's
 * buffers is held while they wait for demand; a COPY refused on the query path reads them past.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDATA">CopyData</a>
 */
public record CopyData(byte[] bytes) implements BackendMessage {

    public static CopyData decode(ByteBuf body, String host) {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        return new CopyData(bytes);
    }

    @Override
    public String toString() {
        return "CopyData[" + bytes.length + " bytes]"; // never the data
    }
}
