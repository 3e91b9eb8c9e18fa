package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;

import java.util.Objects;

/**
 * A codec chosen for one column: its type OID, format and the requested Java class. Obtained from
 * {@link CodecRegistry#decoder(int, Format, Class)} once per column of a row description, then used for
 * every row.
 */
public final class Decoder {

    private final Codec<?> codec;
    private final int oid;
    private final Format format;
    private final Class<?> target;
    private final String typeName;
    /** A built-in codec, called without the interface dispatch and trusted to return {@link #target}. */
    private final BaseCodec<?> builtin;
    /** {@link #builtin} when it reads this format straight from arrays, else null. */
    private final BaseCodec<?> arrayReader;

    Decoder(Codec<?> codec, int oid, Format format, Class<?> target, String typeName) {
        this.codec = codec;
        this.builtin = codec instanceof BaseCodec<?> base ? base : null;
        this.arrayReader = builtin != null && builtin.readsArrays(format) ? builtin : null;
        this.oid = oid;
        this.format = format;
        this.target = target;
        this.typeName = typeName;
    }

    public int oid() {
        return oid;
    }

    public Format format() {
        return format;
    }

    /** The class {@link #decode} returns (the wrapper for a primitive request). */
    public Class<?> target() {
        return target;
    }

    public String typeName() {
        return typeName;
    }

    public Codec<?> codec() {
        return codec;
    }

    /**
     * Whether the codec is one of pgconn's built-in ones (no user codec registered for the type won):
     * then a row may read a binary {@code int2/int4/int8/float8} straight from its bytes, the way this
     * codec would, to hand out a primitive without a box.
     */
    public boolean builtin() {
        return builtin != null;
    }

    /**
     * Reads one non-null value; the caller keeps ownership of {@code value}. Malformed bytes are a
     * {@link PgProtocolException} naming the type (without a host: a row read adds it, with the column), a value that does
     * not fit {@link #target()} a {@link PgConversionException}.
     */
    public Object decode(ByteBuf value) {
        BaseCodec<?> base = builtin;
        if (base != null) {
            // built-ins (the common case): no interface dispatch, and no check of the result's class —
            // they return the target they declared for (CodecRegistry chose them by it)
            try {
                return format == Format.BINARY ? base.decodeBinary(value, target) : base.decodeText(value, target);
            } catch (PgException e) {
                throw e;
            } catch (RuntimeException e) {
                throw unreadable(e);
            }
        }
        Object result;
        try {
            result = codec.decode(value, format, target);
        } catch (PgException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
        if (result != null && !target.isInstance(result)) {
            throw new PgConversionException("codec " + codec.getClass().getName() + " returned a "
                    + result.getClass().getName() + " for a " + typeName + " value requested as " + target.getName());
        }
        return result;
    }

    /**
     * Whether {@link #decode(byte[], int, int)} reads the array itself: a built-in codec of the types
     * rows hold most (integers, floats, bool, numeric, text, uuid, date, timestamps in binary; text in
     * either format). Otherwise it wraps the bytes in a buffer on each call, and a caller that keeps a
     * buffer over them (a row) does better with {@link #decode(ByteBuf)}.
     */
    public boolean readsArrays() {
        return arrayReader != null;
    }

    /**
     * Reads one non-null value held in {@code length} bytes at {@code offset} of {@code bytes}, exactly
     * as {@link #decode(ByteBuf)} reads them from a buffer (the same values and errors); the bytes
     * around the value are not read, none are written.
     *
     * @throws IndexOutOfBoundsException when the range lies outside {@code bytes}
     */
    public Object decode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        BaseCodec<?> reader = arrayReader;
        if (reader == null) {
            return decode(Unpooled.wrappedBuffer(bytes).setIndex(offset, offset + length));
        }
        try {
            return reader.decodeArray(bytes, offset, length, format, target);
        } catch (PgException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
    }

    /** Safety net for users' codecs: their exception's class is kept, its message is not (it may quote data). */
    private PgProtocolException unreadable(RuntimeException e) {
        return new PgProtocolException(null, "cannot read a " + typeName + " value (" + format + ") as "
                + target.getName() + ": " + e.getClass().getSimpleName() + " in " + codec.getClass().getName(), e);
    }

    @Override
    public String toString() {
        return "Decoder[" + typeName + ", oid " + oid + ", " + format + " -> " + target.getName() + "]";
    }
}
