package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

/**
 * CopyInResponse ('G'), CopyOutResponse ('H') or CopyBothResponse ('W'): the server starts copy-in or copy-out mode
 * (copy-both is replication's, which pgconn does not speak). {@code binary}: the overall format is binary (1), not
 * text (0); the per-column format codes are validated and dropped (in a text COPY they are all 0, in a binary one all 1).
 * A format byte other than 0 or 1 is a malformed message.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYINRESPONSE">CopyInResponse</a>
 */
public record CopyResponse(char kind, boolean binary) implements BackendMessage {

    public CopyResponse {
        if (kind != 'G' && kind != 'H' && kind != 'W') {
            throw new IllegalArgumentException("not a COPY response type: '" + kind + "'");
        }
    }

    public CopyResponse(char kind) {
        this(kind, false);
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static CopyResponse decode(char kind, ByteBuf body, String host) {
        String name = "Copy response '" + kind + "'";
        Bodies.need(body, 3, host, name);
        int format = body.readUnsignedByte();
        if (format > 1) {
            throw new io.pgconn.PgProtocolException(host, "malformed " + name + " from " + host + ": overall format "
                    + format + ", expected 0 (text) or 1 (binary)");
        }
        int count = Bodies.count(body, body.readUnsignedShort(), 2, host, name, "column format");
        body.skipBytes(2 * count);
        return new CopyResponse(kind, format == 1);
    }
}
