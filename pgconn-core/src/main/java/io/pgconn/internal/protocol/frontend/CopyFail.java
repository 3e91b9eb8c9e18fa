package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

/**
 * CopyFail: the answer to a CopyInResponse pgconn refuses. The server ends the COPY with an
 * ErrorResponse carrying {@code reason}, and the connection goes on.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYFAIL">CopyFail</a>
 */
public record CopyFail(String reason) implements FrontendMessage {

    public CopyFail {
        Writes.requireNoNul(reason, "CopyFail reason");
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'f');
        Writes.cString(out, reason);
        Writes.end(out, lengthIndex);
    }
}
