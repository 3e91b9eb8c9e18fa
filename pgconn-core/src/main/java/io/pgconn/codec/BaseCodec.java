package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgProtocolException;

import java.util.Map;
import java.util.Set;

/**
 * What every built-in codec shares: its type, default Java class and format, the classes it reads
 * into, and errors that name the type and what was wrong but never the value.
 */
abstract class BaseCodec<T> implements Codec<T> {

    /** PostgreSQL's length of the fixed-size types a built-in codec writes in binary ({@code typlen}): each value's size. */
    private static final Map<PgType, Integer> FIXED_SIZES = Map.ofEntries(Map.entry(PgType.BOOL, 1),
            Map.entry(PgType.INT2, 2), Map.entry(PgType.INT4, 4), Map.entry(PgType.INT8, 8), Map.entry(PgType.OID, 4),
            Map.entry(PgType.FLOAT4, 4), Map.entry(PgType.FLOAT8, 8), Map.entry(PgType.UUID, 16), Map.entry(PgType.DATE, 4),
            Map.entry(PgType.TIME, 8), Map.entry(PgType.TIMETZ, 12), Map.entry(PgType.TIMESTAMP, 8),
            Map.entry(PgType.TIMESTAMPTZ, 8), Map.entry(PgType.INTERVAL, 16));

    private final PgType type;
    private final Class<? extends T> javaType;
    private final Format format;
    private final Set<Class<?>> targets;
    private final boolean readsText;
    /** The size of every value this codec writes, when its type has a fixed size in its format; else 0. */
    private final int fixedSize;

    /**
     * @param targets   the classes {@link #decode} produces besides {@code Object} and {@code javaType}
     * @param readsText whether {@link #decode} also reads the text format
     */
    BaseCodec(PgType type, Class<? extends T> javaType, Format format, boolean readsText, Class<?>... targets) {
        this.type = type;
        this.javaType = javaType;
        this.format = format;
        this.readsText = readsText;
        this.targets = Set.of(targets);
        this.fixedSize = format == Format.BINARY ? FIXED_SIZES.getOrDefault(type, 0) : 0;
    }

    @Override
    public final PgType type() {
        return type;
    }

    @Override
    public final Class<? extends T> javaType() {
        return javaType;
    }

    @Override
    public final Format format() {
        return format;
    }

    @Override
    public boolean decodes(Format format, Class<?> target) {
        return (format == this.format || (readsText && format == Format.TEXT))
                && (target.isAssignableFrom(javaType) || targets.contains(target));
    }

    @Override
    public final Object decode(ByteBuf value, Format format, Class<?> target) {
        return format == Format.BINARY ? decodeBinary(value, target) : decodeText(value, target);
    }

    /** Reads the binary form as {@code target}. */
    abstract Object decodeBinary(ByteBuf value, Class<?> target);

    /** Reads the text form as {@code target}; only called when {@code readsText} or the format is text. */
    Object decodeText(ByteBuf value, Class<?> target) {
        throw new PgConversionException(type.name() + " values are read in binary format only");
    }

    /**
     * Whether this codec reads {@code format} straight from an array ({@link #decodeArray}): the fixed-size
     * and text types a row reads most, where a buffer's bounds and reference-count checks on every
     * access cost more than the value itself. Such a codec has one reader, the array one: its
     * {@link #decodeBinary}/{@link #decodeText} hand the buffer's bytes to it ({@link #viaArray}).
     */
    boolean readsArrays(Format format) {
        return false;
    }

    /**
     * Reads the {@code length} bytes at {@code offset} of {@code bytes} in {@code format} as {@code target};
     * only called when {@link #readsArrays} says so. The bytes around the value are not the codec's: it
     * reads exactly the given range and never writes.
     */
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads buffers only");
    }

    /**
     * {@link #decodeArray} over a buffer's readable bytes: the buffer's own array when it has one (a
     * row's heap view, a slice of it), else a copy (a direct buffer).
     */
    final Object viaArray(ByteBuf value, Format format, Class<?> target) {
        int length = value.readableBytes();
        if (value.hasArray()) {
            return decodeArray(value.array(), value.arrayOffset() + value.readerIndex(), length, format, target);
        }
        byte[] copy = new byte[length];
        value.getBytes(value.readerIndex(), copy);
        return decodeArray(copy, 0, length, format, target);
    }

    /**
     * The bytes {@link #encode} writes for {@code value}, as a new array made without a buffer, or
     * null when this codec writes buffers only. Codecs that override it write one way: their
     * {@link #encode} writes this array (the same bytes and errors either way).
     */
    byte[] encodeArray(T value) {
        return null;
    }

    /**
     * Whether {@link #encode} would write more than {@code maxBytes} for {@code value}, known from the value without
     * writing it ({@link Encoder#knownLongerThan}); false when only writing it would tell. By default from
     * {@link #leastBytes}; the text, json and bytea codecs judge more closely.
     */
    boolean longerThan(T value, long maxBytes) {
        return leastBytes(value) > maxBytes;
    }

    /**
     * The bytes {@link #encode} writes for {@code value} at least, known cheaply without writing it: a fixed-size type's
     * size, a text's length in chars (each takes a byte or more in UTF-8), a bytea's length; 0 when nothing is known.
     * What an array adds up for its elements ({@link ElementArrayCodec#longerThan}).
     */
    long leastBytes(T value) {
        return fixedSize;
    }

    /** {@link #leastBytes} of any codec: 0 for one that is not built in (a codec of one's own says nothing of its size). */
    @SuppressWarnings("unchecked")
    static long leastBytesOf(Codec<?> codec, Object value) {
        return codec instanceof BaseCodec<?> base ? ((BaseCodec<Object>) base).leastBytes(value) : 0;
    }

    /** The value must be exactly {@code length} bytes. */
    final void expectLength(int actual, int length) {
        if (actual != length) {
            throw malformed("expected " + length + " bytes, got " + actual);
        }
    }

    /** The value must be exactly {@code length} bytes. */
    final void expectLength(ByteBuf value, int length) {
        if (value.readableBytes() != length) {
            throw malformed("expected " + length + " bytes, got " + value.readableBytes());
        }
    }

    /** At least {@code length} more bytes must be readable. */
    final void need(ByteBuf value, int length, String what) {
        if (length < 0 || value.readableBytes() < length) {
            throw malformed(what + " needs " + length + " bytes, " + value.readableBytes() + " left");
        }
    }

    final PgProtocolException malformed(String what) {
        return new PgProtocolException(null, "malformed " + type.name() + " value from the server: " + what);
    }

    final PgConversionException cannotRead(Class<?> target, String why) {
        return new PgConversionException("cannot read a " + type.name() + " value as " + target.getName() + ": " + why);
    }

    final PgConversionException cannotWrite(Object value, String why) {
        return new PgConversionException("cannot write a " + value.getClass().getName() + " parameter as "
                + type.name() + ": " + why);
    }

    final PgConversionException unsupportedTarget(Class<?> target) {
        return new PgConversionException("no conversion from " + type.name() + " to " + target.getName());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + type.name() + " <-> " + javaType.getSimpleName() + ", " + format + "]";
    }
}
