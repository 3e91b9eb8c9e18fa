package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bind: creates a portal from a prepared statement and parameter values. {@code values[i]} is the
 * encoded value of parameter {@code i + 1} ({@code null} for SQL NULL) in {@code parameterFormats[i]}
 * (0 text, 1 binary). One result format code applies to every column; several give one per column.
 * Arrays are not copied. {@code toString} never shows the values: they may be secrets. The names are
 * {@link BindNames}, checked and encoded once: a cached statement's Bind reuses its entry's.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BIND">Bind</a>
 */
public record Bind(BindNames names, short[] parameterFormats, byte[][] values,
                   short[] resultFormats) implements FrontendMessage {

    /**
     * The longest message PostgreSQL reads, its length word included (PQ_LARGE_MESSAGE_LIMIT, MaxAllocSize - 1): the
     * backend answers a longer one by closing the session without a word.
     */
    public static final int MAX_LENGTH = 0x3FFF_FFFE;

    /**
     * At least what a Bind of {@code parameters} values takes besides the values' bytes — per value its format code
     * and length word — plus room for the rest of the framing: the names, counts and up to 1,664 result formats.
     */
    public static long framing(int parameters) {
        return 6L * parameters + 2L * 1664 + 512;
    }

    /** @throws io.pgconn.PgConfigException if a name contains NUL, or counts do not fit the message */
    public Bind(String portal, String statement, short[] parameterFormats, byte[][] values, short[] resultFormats) {
        this(BindNames.of(portal, statement), parameterFormats, values, resultFormats);
    }

    /** @throws io.pgconn.PgConfigException if counts do not fit the message */
    public Bind {
        Objects.requireNonNull(names, "names");
        Writes.requireCount(values.length, "parameter values");
        Writes.requireCount(resultFormats.length, "result formats");
        if (parameterFormats.length != values.length && parameterFormats.length > 1) {
            throw new io.pgconn.PgConfigException(null, parameterFormats.length + " parameter formats for "
                    + values.length + " parameter values (expected 0, 1 or one per value)");
        }
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'B');
        names.write(out);
        out.writeShort(parameterFormats.length);
        for (short format : parameterFormats) {
            out.writeShort(format);
        }
        out.writeShort(values.length);
        for (byte[] value : values) {
            if (value == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(value.length).writeBytes(value);
            }
        }
        out.writeShort(resultFormats.length);
        for (short format : resultFormats) {
            out.writeShort(format);
        }
        Writes.end(out, lengthIndex);
    }

    public String portal() {
        return names.portal();
    }

    public String statement() {
        return names.statement();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bind b && names.equals(b.names)
                && Arrays.equals(parameterFormats, b.parameterFormats) && Arrays.deepEquals(values, b.values)
                && Arrays.equals(resultFormats, b.resultFormats);
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "Bind[portal=" + names.portal() + ", statement=" + names.statement() + ", " + values.length + " parameters]";
    }
}
