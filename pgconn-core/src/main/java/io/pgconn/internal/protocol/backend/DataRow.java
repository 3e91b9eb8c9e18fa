package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * DataRow in text format: one UTF-8 string per column, {@code null} for SQL NULL. This client only
 * runs simple queries during connection set-up (role checks, type OID lookup), all text format.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW">DataRow</a>
 */
public record DataRow(List<String> values) implements BackendMessage {

    public DataRow {
        // List.copyOf refuses nulls, and null is how SQL NULL is represented
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static DataRow decode(ByteBuf body, String host) {
        String name = "DataRow";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "column");
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Bodies.need(body, 4, host, name);
            int length = body.readInt();
            if (length == -1) {
                values.add(null);
            } else if (length < 0 || length > body.readableBytes()) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes but " + body.readableBytes() + " remain");
            } else {
                values.add(body.readCharSequence(length, StandardCharsets.UTF_8).toString());
            }
        }
        return new DataRow(values);
    }
}
