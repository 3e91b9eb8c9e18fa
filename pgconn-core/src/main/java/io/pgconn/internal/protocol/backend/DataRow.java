package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * DataRow: the column values of one row, as the server sent them (text or binary per the Bind's
 * result formats), copied once out of the inbound buffer into one array (no buffer outlives the
 * decoder's read: rows may be held by an application long after). The array starts with a table
 * of {@code columns + 1} native-order ints, the start of each value ({@code ~start} for SQL NULL)
 * and then the end of the last one, followed by the values back to back: a column's offset and
 * length are two reads, whatever its position, and the table takes the room of the length prefixes
 * it replaces (one int more). One allocation per row instead of one per column. Immutable: safe to
 * read from any thread.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW">DataRow</a>
 */
public final class DataRow implements BackendMessage {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** The start table ({@code columns + 1} ints), then the values. */
    private final byte[] data;
    private final int columns;

    private DataRow(byte[] data, int columns) {
        this.data = data;
        this.columns = columns;
    }

    /** A text-format row; {@code null} elements are SQL NULL. For tests and scripted servers. */
    public DataRow(List<String> values) {
        int columns = values.size();
        byte[][] bytes = new byte[columns][];
        int size = 4 * (columns + 1);
        for (int i = 0; i < columns; i++) {
            String v = values.get(i);
            bytes[i] = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            size += bytes[i] == null ? 0 : bytes[i].length;
        }
        byte[] data = new byte[size];
        int at = 4 * (columns + 1);
        for (int i = 0; i < columns; i++) {
            INT.set(data, 4 * i, bytes[i] == null ? ~at : at);
            if (bytes[i] != null) {
                System.arraycopy(bytes[i], 0, data, at, bytes[i].length);
                at += bytes[i].length;
            }
        }
        INT.set(data, 4 * columns, at);
        this.data = data;
        this.columns = columns;
    }

    /** Decodes the body (after type byte and length); a malformed one raises {@link io.pgconn.PgProtocolException}. */
    public static DataRow decode(ByteBuf body, String host) {
        return decode(body, host, null);
    }

    /**
     * As {@link #decode(ByteBuf, String)}, reading the body through {@code scratch} when it is big
     * enough: one bulk copy out of the (usually direct) buffer, then plain array reads, instead of a
     * buffer call per length prefix and per value.
     */
    public static DataRow decode(ByteBuf body, String host, byte[] scratch) {
        String name = "DataRow";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "column");
        int size = body.readableBytes();
        // a well-formed body is count length prefixes and the values: the table replaces the prefixes, plus one end entry
        byte[] data = new byte[size + 4];
        if (scratch == null || scratch.length < size) {
            return decodeFromBuffer(body, host, count, data); // a big row: no second copy of its size
        }
        byte[] raw = scratch;
        body.getBytes(body.readerIndex(), raw, 0, size);
        int at = 4 * (count + 1);
        int p = 0;
        for (int i = 0; i < count; i++) {
            if (size - p < 4) {
                body.skipBytes(p);
                Bodies.need(body, 4, host, name); // throws, naming what is missing
            }
            int length = (int) BIG_ENDIAN_INT.get(raw, p);
            p += 4;
            if (length == -1) {
                INT.set(data, 4 * i, ~at);
                continue;
            }
            if (length < 0 || length > size - p) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes but " + (size - p) + " remain");
            }
            if (length > size - p - 4 * (count - 1 - i)) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes, which leaves no room for the length of the " + (count - 1 - i) + " columns after it");
            }
            INT.set(data, 4 * i, at);
            System.arraycopy(raw, p, data, at, length);
            p += length;
            at += length;
        }
        INT.set(data, 4 * count, at);
        body.skipBytes(p); // anything left is trailing garbage, which the caller reports
        return new DataRow(data, count);
    }

    /** The same layout read straight from the buffer, a buffer call per length and value: for rows bigger than the scratch array. */
    private static DataRow decodeFromBuffer(ByteBuf body, String host, int count, byte[] data) {
        String name = "DataRow";
        int at = 4 * (count + 1);
        for (int i = 0; i < count; i++) {
            Bodies.need(body, 4, host, name);
            int length = body.readInt();
            if (length == -1) {
                INT.set(data, 4 * i, ~at);
                continue;
            }
            if (length < 0 || length > body.readableBytes()) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes but " + body.readableBytes() + " remain");
            }
            if (length > body.readableBytes() - 4 * (count - 1 - i)) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes, which leaves no room for the length of the " + (count - 1 - i) + " columns after it");
            }
            INT.set(data, 4 * i, at);
            body.readBytes(data, at, length);
            at += length;
        }
        INT.set(data, 4 * count, at);
        return new DataRow(data, count);
    }

    private void check(int column) {
        if (column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("column " + column + " of a row with " + columns + " columns");
        }
    }

    public int columnCount() {
        return columns;
    }

    public boolean isNull(int column) {
        check(column);
        return (int) INT.get(data, 4 * column) < 0;
    }

    /** The array that holds every column; read a column with {@link #offset} and {@link #length}. Not copied. */
    public byte[] data() {
        return data;
    }

    /** Where column {@code column}'s bytes start in {@link #data()} (for SQL NULL: where they would). */
    public int offset(int column) {
        check(column);
        int start = (int) INT.get(data, 4 * column);
        return start < 0 ? ~start : start;
    }

    /** -1 for SQL NULL. */
    public int length(int column) {
        check(column);
        int start = (int) INT.get(data, 4 * column);
        if (start < 0) {
            return -1;
        }
        int next = (int) INT.get(data, 4 * column + 4);
        return (next < 0 ? ~next : next) - start;
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
