package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * DataRow: the column values of one row, as the server sent them (text or binary per the Bind's
 * result formats). The body is copied once into one array and each column is an (offset, length)
 * into it, length -1 for SQL NULL: one allocation per row instead of one per column, and no buffer
 * outlives the decoder's read (rows may be held by an application long after).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW">DataRow</a>
 */
public final class DataRow implements BackendMessage {

    private final byte[] data;
    /** Per column: offset into {@link #data} at [2i], length at [2i+1] (-1 for NULL). */
    private final int[] bounds;

    private DataRow(byte[] data, int[] bounds) {
        this.data = data;
        this.bounds = bounds;
    }

    /** A text-format row; {@code null} elements are SQL NULL. For tests and scripted servers. */
    public DataRow(List<String> values) {
        byte[][] encoded = new byte[values.size()][];
        int total = 0;
        for (int i = 0; i < encoded.length; i++) {
            String v = values.get(i);
            encoded[i] = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            total += encoded[i] == null ? 0 : encoded[i].length;
        }
        this.data = new byte[total];
        this.bounds = new int[encoded.length * 2];
        int at = 0;
        for (int i = 0; i < encoded.length; i++) {
            bounds[2 * i] = at;
            if (encoded[i] == null) {
                bounds[2 * i + 1] = -1;
            } else {
                System.arraycopy(encoded[i], 0, data, at, encoded[i].length);
                bounds[2 * i + 1] = encoded[i].length;
                at += encoded[i].length;
            }
        }
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static DataRow decode(ByteBuf body, String host) {
        String name = "DataRow";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "column");
        int start = body.readerIndex();
        int[] bounds = new int[count * 2];
        // validate the framing first, then copy the whole body once
        for (int i = 0; i < count; i++) {
            Bodies.need(body, 4, host, name);
            int length = body.readInt();
            bounds[2 * i] = body.readerIndex() - start;
            bounds[2 * i + 1] = length;
            if (length == -1) {
                continue;
            }
            if (length < 0 || length > body.readableBytes()) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes but " + body.readableBytes() + " remain");
            }
            body.skipBytes(length);
        }
        byte[] data = new byte[body.readerIndex() - start];
        body.getBytes(start, data);
        return new DataRow(data, bounds);
    }

    public int columnCount() {
        return bounds.length / 2;
    }

    public boolean isNull(int column) {
        return bounds[2 * column + 1] < 0;
    }

    /** The bytes that hold every column; read a column with {@link #offset} and {@link #length}. Not copied. */
    public byte[] data() {
        return data;
    }

    public int offset(int column) {
        return bounds[2 * column];
    }

    /** -1 for SQL NULL. */
    public int length(int column) {
        return bounds[2 * column + 1];
    }

    /** Column {@code i} as UTF-8 text, {@code null} for SQL NULL. */
    public String text(int column) {
        int length = length(column);
        return length < 0 ? null : new String(data, offset(column), length, StandardCharsets.UTF_8);
    }

    /** Every column as UTF-8 text ({@code null} for SQL NULL): the simple query protocol's view. */
    public List<String> values() {
        List<String> values = new ArrayList<>(columnCount());
        for (int i = 0; i < columnCount(); i++) {
            values.add(text(i));
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DataRow other) || other.columnCount() != columnCount()) {
            return false;
        }
        for (int i = 0; i < columnCount(); i++) {
            if (length(i) != other.length(i) || (length(i) > 0 && !Arrays.equals(data, offset(i), offset(i) + length(i),
                    other.data, other.offset(i), other.offset(i) + other.length(i)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = columnCount();
        for (int i = 0; i < columnCount(); i++) {
            h = 31 * h + length(i);
        }
        return h;
    }

    /** Column count only: values may be secrets. */
    @Override
    public String toString() {
        return "DataRow[" + columnCount() + " columns]";
    }
}
