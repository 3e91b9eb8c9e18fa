package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * DataRow: the column values of one row, as the server sent them (text or binary per the Bind's
 * result formats). The body is validated, then copied once into one array, length prefixes and
 * all; a column's offset is found by stepping over the lengths before it (a few int reads, cheaper
 * than an offsets array per row). One allocation per row instead of one per column, and no buffer
 * outlives the decoder's read (rows may be held by an application long after).
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW">DataRow</a>
 */
public final class DataRow implements BackendMessage {

    /** The body after the column count: (int32 length, bytes)* with length -1 for NULL. */
    private final byte[] data;
    private final int columns;

    private DataRow(byte[] data, int columns) {
        this.data = data;
        this.columns = columns;
    }

    /** A text-format row; {@code null} elements are SQL NULL. For tests and scripted servers. */
    public DataRow(List<String> values) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String v : values) {
            byte[] bytes = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            int length = bytes == null ? -1 : bytes.length;
            out.write(length >>> 24);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
            if (bytes != null) {
                out.writeBytes(bytes);
            }
        }
        this.data = out.toByteArray();
        this.columns = values.size();
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static DataRow decode(ByteBuf body, String host) {
        String name = "DataRow";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "column");
        int start = body.readerIndex();
        // validate the framing first, then copy the whole body once
        for (int i = 0; i < count; i++) {
            Bodies.need(body, 4, host, name);
            int length = body.readInt();
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
        return new DataRow(data, count);
    }

    /** Where column {@code i}'s length prefix starts. */
    private int prefix(int column) {
        if (column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("column " + column + " of a row with " + columns + " columns");
        }
        int at = 0;
        for (int i = 0; i < column; i++) {
            int length = lengthAt(at);
            at += 4 + Math.max(length, 0);
        }
        return at;
    }

    private int lengthAt(int at) {
        return (data[at] & 0xFF) << 24 | (data[at + 1] & 0xFF) << 16 | (data[at + 2] & 0xFF) << 8 | (data[at + 3] & 0xFF);
    }

    public int columnCount() {
        return columns;
    }

    public boolean isNull(int column) {
        return length(column) < 0;
    }

    /** The bytes that hold every column; read a column with {@link #offset} and {@link #length}. Not copied. */
    public byte[] data() {
        return data;
    }

    public int offset(int column) {
        return prefix(column) + 4;
    }

    /** -1 for SQL NULL. */
    public int length(int column) {
        return lengthAt(prefix(column));
    }

    /** Column {@code i} as UTF-8 text, {@code null} for SQL NULL. */
    public String text(int column) {
        int at = prefix(column);
        int length = lengthAt(at);
        return length < 0 ? null : new String(data, at + 4, length, StandardCharsets.UTF_8);
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
