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
 * of {@code columns} native-order ints, the start of each value ({@code ~start} for SQL NULL),
 * followed by the body as the server sent it (each value after its big-endian length prefix): the
 * body is one bulk copy out of the buffer, a column's offset is one read and its length the prefix
 * just before it. One allocation per row instead of one per column. Immutable: safe to read from
 * any thread.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW">DataRow</a>
 */
public final class DataRow implements BackendMessage {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** The start table ({@code columns} ints), then the body: per column its length (big-endian, -1 for NULL) and value. */
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
        int size = 4 * columns;
        for (int i = 0; i < columns; i++) {
            String v = values.get(i);
            bytes[i] = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            size += 4 + (bytes[i] == null ? 0 : bytes[i].length);
        }
        byte[] data = new byte[size];
        int at = 4 * columns;
        for (int i = 0; i < columns; i++) {
            BIG_ENDIAN_INT.set(data, at, bytes[i] == null ? -1 : bytes[i].length);
            at += 4;
            INT.set(data, 4 * i, bytes[i] == null ? ~at : at);
            if (bytes[i] != null) {
                System.arraycopy(bytes[i], 0, data, at, bytes[i].length);
                at += bytes[i].length;
            }
        }
        this.data = data;
        this.columns = columns;
    }

    /**
     * Decodes the body (after type byte and length): one bulk copy of it behind the start table, then
     * the length prefixes are checked and the table filled from the copy. A malformed body raises
     * {@link io.pgconn.PgProtocolException}; the buffer's reader index then stands at the fault.
     */
    public static DataRow decode(ByteBuf body, String host) {
        String name = "DataRow";
        Bodies.need(body, 2, host, name);
        int count = Bodies.count(body, body.readUnsignedShort(), 4, host, name, "column");
        int size = body.readableBytes();
        int table = 4 * count;
        byte[] data = new byte[table + size];
        body.getBytes(body.readerIndex(), data, table, size);
        int p = table;
        int end = table + size;
        for (int i = 0; i < count; i++) {
            if (end - p < 4) {
                body.skipBytes(p - table);
                Bodies.need(body, 4, host, name); // throws, naming what is missing
            }
            int length = (int) BIG_ENDIAN_INT.get(data, p);
            p += 4;
            if (length == -1) {
                INT.set(data, 4 * i, ~p);
                continue;
            }
            if (length < 0 || length > end - p) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes but " + (end - p) + " remain");
            }
            if (length > end - p - 4 * (count - 1 - i)) {
                throw Bodies.malformed(host, name, "column " + (i + 1) + " declares " + length
                        + " bytes, which leaves no room for the length of the " + (count - 1 - i) + " columns after it");
            }
            INT.set(data, 4 * i, p);
            p += length;
        }
        body.skipBytes(p - table); // anything left is trailing garbage, which the caller reports
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
        return start < 0 ? -1 : (int) BIG_ENDIAN_INT.get(data, start - 4);
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
