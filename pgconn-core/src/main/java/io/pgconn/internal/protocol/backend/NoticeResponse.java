package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.pgconn.ServerErrorFields;

/**
 * NoticeResponse: a warning or notice; same field layout as ErrorResponse.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTICERESPONSE">NoticeResponse</a>
 */
public record NoticeResponse(ServerErrorFields fields) implements BackendMessage {

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static NoticeResponse decode(ByteBuf body, String host) {
        return new NoticeResponse(Bodies.errorFields(body, host, "NoticeResponse"));
    }
}
