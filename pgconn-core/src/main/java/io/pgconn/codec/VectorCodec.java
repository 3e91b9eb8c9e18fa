package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/**
 * pgvector's {@code vector} in {@code vector_send}'s form: {@code int16} dimensions, {@code int16}
 * unused (0), then that many {@code float4}s. Reads as and writes {@code float[]}. pgvector allows 1 to
 * 16,000 dimensions and no NaN or infinite element, and so does this codec, both ways. Its OID is bound
 * per connection; where pgvector is installed a {@code float[]} parameter is a vector, elsewhere a
 * {@code float4[]}.
 */
final class VectorCodec extends BaseCodec<float[]> {

    /** VECTOR_MAX_DIM. */
    private static final int MAX_DIMENSIONS = 16_000;

    VectorCodec() {
        super(PgType.VECTOR, float[].class, Format.BINARY, false);
    }

    @Override
    public void encode(float[] value, ByteBuf out) {
        if (value.length < 1 || value.length > MAX_DIMENSIONS) {
            throw cannotWrite(value, "a vector has 1 to " + MAX_DIMENSIONS + " dimensions, this one " + value.length);
        }
        for (float f : value) {
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                throw cannotWrite(value, "NaN and infinite elements are not allowed in a vector");
            }
        }
        out.writeShort(value.length).writeShort(0);
        for (float f : value) {
            out.writeFloat(f);
        }
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        need(value, 4, "header");
        int at = value.readerIndex();
        int dimensions = value.getShort(at);
        int unused = value.getShort(at + 2);
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw malformed(dimensions + " dimensions");
        }
        if (unused != 0) {
            throw malformed("unused field is not 0");
        }
        expectLength(value, 4 + 4 * dimensions);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            float f = value.getFloat(at + 4 + 4 * i);
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                throw malformed("NaN or infinite element");
            }
            vector[i] = f;
        }
        return vector;
    }
}
