package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.pgconn.ServerErrorFields;

/**
 * ErrorResponse: the server reports an error; its fields carry SQLSTATE, message, detail, etc.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ERRORRESPONSE">ErrorResponse</a>
 */
public record ErrorResponse(ServerErrorFields fields) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static ErrorResponse decode(ByteBuf body, String host) {
        return new ErrorResponse(Bodies.errorFields(body, host, "ErrorResponse"));
    }
}
