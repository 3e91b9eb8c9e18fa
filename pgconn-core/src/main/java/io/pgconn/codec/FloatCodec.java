package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * {@code float4}, {@code float8}: IEEE 754 bits, big-endian; NaN and ±Infinity included. Reads into
 * {@code Float} or {@code Double} either way, and {@code BigDecimal} for finite values.
 */
final class FloatCodec extends BinaryArrayCodec<Number> {

    private final boolean single;

    private FloatCodec(PgType type, Class<? extends Number> javaType, boolean single) {
        super(type, javaType, Format.BINARY, true, Float.class, Double.class, BigDecimal.class);
        this.single = single;
    }

    static FloatCodec float4() {
        return new FloatCodec(PgType.FLOAT4, Float.class, true);
    }

    static FloatCodec float8() {
        return new FloatCodec(PgType.FLOAT8, Double.class, false);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == Float.class || valueClass == Double.class;
    }

    @Override
    public void encode(Number value, ByteBuf out) {
        if (single) {
            out.writeInt(Float.floatToRawIntBits(value.floatValue()));
        } else {
            out.writeLong(Double.doubleToRawLongBits(value.doubleValue()));
        }
    }

    @Override
    byte[] encodeArray(Number value) {
        return single ? BigEndian.of32(Float.floatToRawIntBits(value.floatValue()))
                : BigEndian.of64(Double.doubleToRawLongBits(value.doubleValue()));
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, single ? 4 : 8);
        return single ? convert(Float.intBitsToFloat(BigEndian.int32(bytes, offset)), target)
                : convert(Double.longBitsToDouble(BigEndian.int64(bytes, offset)), target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        String text = value.toString(StandardCharsets.US_ASCII);
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw malformed("not a floating point number");
        }
        return single ? convert((float) v, target) : convert(v, target);
    }

    private Object convert(float v, Class<?> target) {
        return target == Float.class || target == Object.class || target == Number.class ? (Object) v : convert((double) v, target);
    }

    private Object convert(double v, Class<?> target) {
        if (target == Float.class) {
            return (float) v;
        }
        if (target == BigDecimal.class) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw cannotRead(target, "NaN and infinity have no BigDecimal; read it as Double");
            }
            return new BigDecimal(Double.toString(v));
        }
        return v;
    }
}
