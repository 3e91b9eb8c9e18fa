package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/**
 * pgvector's {@code vector} in {@code vector_send}'s form: {@code int16} dimensions, {@code int16}
 * unused (0), then that many {@code float4}s. pgvector allows 1 to 16,000 dimensions and no NaN or
 * infinite element, and so does this codec, both ways. Its OID is bound per connection.
 *
 * <p>Two of them are registered: {@link #wrapped()} writes {@link PgVector}, the class that is sent as
 * a vector by default; {@link #floats()} reads a vector as {@code float[]} (what {@code Object} reads
 * as) and writes a {@code float[]} only where the caller names the type. A bare {@code float[]}
 * parameter is a {@code float4[]} on every database, so installing pgvector changes no statement's
 * parameter types. Read as {@code String}, a vector is {@code vector_out}'s text ({@link TextForms#vector}).
 */
final class VectorCodec extends BaseCodec<Object> {

    private VectorCodec(Class<?> javaType) {
        super(PgType.VECTOR, javaType, Format.BINARY, false, float[].class, PgVector.class, String.class, CharSequence.class);
    }

    /** Reads as {@code float[]} by default; writes {@code float[]} (and {@code PgVector}) when typed vector. */
    static VectorCodec floats() {
        return new VectorCodec(float[].class);
    }

    /** The codec a {@link PgVector} parameter is sent with. */
    static VectorCodec wrapped() {
        return new VectorCodec(PgVector.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == PgVector.class || valueClass == float[].class;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        float[] elements;
        if (value instanceof PgVector vector) {
            elements = vector.elements();
        } else {
            elements = (float[]) value;
            String problem = PgVector.problem(elements);
            if (problem != null) {
                throw cannotWrite(value, problem);
            }
        }
        out.writeShort(elements.length).writeShort(0);
        for (float f : elements) {
            out.writeFloat(f);
        }
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        need(value, 4, "header");
        int at = value.readerIndex();
        int dimensions = value.getShort(at);
        int unused = value.getShort(at + 2);
        if (dimensions < 1 || dimensions > PgVector.MAX_DIMENSIONS) {
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
        if (target == String.class || target == CharSequence.class) {
            return TextForms.vector(vector);
        }
        return target == PgVector.class ? PgVector.wrap(vector) : vector;
    }
}
