package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/**
 * A codec that only writes, in text, a value the server takes with an unspecified type: it never reads (its
 * {@link #decodes} is false for every format and class, so no result lookup finds it). What {@link EnumLabelCodec} and
 * {@link EmptyArrayCodec} share; each says what it writes. Its type, class and format are {@link BaseCodec}'s.
 */
abstract class WriteOnlyTextCodec<T> extends BaseCodec<T> {

    /** What a read is told (never asked: nothing looks it up for a result). */
    private final String neverRead;

    WriteOnlyTextCodec(PgType type, Class<? extends T> javaType, String neverRead) {
        super(type, javaType, Format.TEXT, false);
        this.neverRead = neverRead;
    }

    @Override
    public final boolean decodes(Format format, Class<?> target) {
        return false;
    }

    @Override
    final Object decodeBinary(ByteBuf value, Class<?> target) {
        throw new PgConversionException(neverRead);
    }

    @Override
    final Object decodeText(ByteBuf value, Class<?> target) {
        throw new PgConversionException(neverRead);
    }
}
