package io.pgconn.codec;

/**
 * A codec that only writes, in text, a value the server takes with an unspecified type: it never reads (its
 * {@link #decodes} is false for every format and class, so no result lookup finds it). What {@link EnumLabelCodec} and
 * {@link EmptyArrayCodec} share; each says what it writes.
 */
abstract class WriteOnlyTextCodec<T> implements Codec<T> {

    private final PgType type;
    private final Class<? extends T> javaType;
    /** What a read is told (never asked: nothing looks it up for a result). */
    private final String neverRead;

    WriteOnlyTextCodec(PgType type, Class<? extends T> javaType, String neverRead) {
        this.type = type;
        this.javaType = javaType;
        this.neverRead = neverRead;
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
        return Format.TEXT;
    }

    @Override
    public final boolean decodes(Format format, Class<?> target) {
        return false;
    }

    @Override
    public final Object decode(io.netty.buffer.ByteBuf value, Format format, Class<?> target) {
        throw new PgConversionException(neverRead);
    }
}
