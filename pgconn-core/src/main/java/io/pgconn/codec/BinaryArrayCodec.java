package io.pgconn.codec;

/**
 * A built-in codec of a fixed-size binary type that reads its binary form straight from a row's array
 * ({@link #decodeArray}): its buffer path hands the buffer's bytes to that one reader. Whether it reads
 * text too, and how, stays the codec's own.
 */
abstract class BinaryArrayCodec<T> extends BaseCodec<T> {

    BinaryArrayCodec(PgType type, Class<? extends T> javaType, Format format, boolean readsText, Class<?>... targets) {
        super(type, javaType, format, readsText, targets);
    }

    @Override
    final Object decodeBinary(io.netty.buffer.ByteBuf value, Class<?> target) {
        return viaArray(value, Format.BINARY, target);
    }

    @Override
    boolean readsArrays(Format format) {
        return format == Format.BINARY;
    }

    @Override
    abstract Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target);
}
