package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CopyInResponse ('G'), CopyOutResponse ('H') or CopyBothResponse ('W'). This client does not
 * support COPY, so it only needs to recognize one in order to refuse it (CopyFail for COPY FROM
 * STDIN, the data read past for COPY TO STDOUT); the format codes are validated and dropped.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYINRESPONSE">CopyInResponse</a>
 */
public record CopyResponse(char kind) implements BackendMessage {

    public CopyResponse {
        if (kind != 'G' && kind != 'H' && kind != 'W') {
            throw new IllegalArgumentException("not a COPY response type: '" + kind + "'");
        }
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static CopyResponse decode(char kind, ByteBuf body, String host) {
        String name = "Copy response '" + kind + "'";
        Bodies.need(body, 3, host, name);
        body.skipBytes(1); // overall format
        int count = Bodies.count(body, body.readUnsignedShort(), 2, host, name, "column format");
        body.skipBytes(2 * count);
        return new CopyResponse(kind);
    }
}
