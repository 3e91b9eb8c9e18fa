package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * RowDescription: the columns of the rows that follow.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ROWDESCRIPTION">RowDescription</a>
 */
public record RowDescription(List<Column> columns) implements BackendMessage {

    /** Smallest column entry: an empty name (its NUL) plus 18 bytes of fixed fields. */
    private static final int MIN_COLUMN_BYTES = 1 + 4 + 2 + 4 + 2 + 4 + 2;

    public RowDescription {
        columns = List.copyOf(columns);
    }

    /** One column; {@code tableOid}/{@code columnNumber} are 0 when it is not a table column. */
    public record Column(String name, int tableOid, short columnNumber, int typeOid, short typeSize,
                         int typeModifier, short format) {
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static RowDescription decode(ByteBuf body, String host) {
        String name = "RowDescription";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), MIN_COLUMN_BYTES, host, name, "column");
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String columnName = Bodies.cString(body, host, name, "name of column " + (i + 1));
            Bodies.need(body, MIN_COLUMN_BYTES - 1, host, name);
            columns.add(new Column(columnName, body.readInt(), body.readShort(), body.readInt(),
                    body.readShort(), body.readInt(), body.readShort()));
        }
        return new RowDescription(columns);
    }
}
