package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * {@code int2}, {@code int4}, {@code int8}: big-endian two's complement of 2, 4 or 8 bytes. Writes any
 * {@code Byte}/{@code Short}/{@code Integer}/{@code Long} that fits; reads into any integer class the
 * value fits (an {@code int8} read as {@code Integer} fails only when it is out of range), and into
 * {@code BigInteger}, {@code BigDecimal}, {@code Double} and {@code String}.
 */
final class IntegerCodec extends BinaryArrayCodec<Number> {

    private final int width;
    private final long min;
    private final long max;

    private IntegerCodec(PgType type, Class<? extends Number> javaType, int width, long min, long max) {
        super(type, javaType, Format.BINARY, true, Short.class, Integer.class, Long.class, BigInteger.class,
                BigDecimal.class, Double.class, String.class);
        this.width = width;
        this.min = min;
        this.max = max;
    }

    static IntegerCodec int2() {
        return new IntegerCodec(PgType.INT2, Short.class, 2, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    static IntegerCodec int4() {
        return new IntegerCodec(PgType.INT4, Integer.class, 4, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static IntegerCodec int8() {
        return new IntegerCodec(PgType.INT8, Long.class, 8, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == Short.class || valueClass == Integer.class || valueClass == Long.class || valueClass == Byte.class;
    }

    @Override
    public void encode(Number value, ByteBuf out) {
        long v = inRange(value);
        switch (width) {
            case 2 -> out.writeShort((short) v);
            case 4 -> out.writeInt((int) v);
            default -> out.writeLong(v);
        }
    }

    private long inRange(Number value) {
        long v = value.longValue();
        if (v < min || v > max) {
            throw cannotWrite(value, "out of range");
        }
        return v;
    }

    @Override
    byte[] encodeArray(Number value) {
        long v = inRange(value);
        return switch (width) {
            case 2 -> BigEndian.of16((int) v);
            case 4 -> BigEndian.of32((int) v);
            default -> BigEndian.of64(v);
        };
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, width);
        long v = switch (width) {
            case 2 -> BigEndian.int16(bytes, offset);
            case 4 -> BigEndian.int32(bytes, offset);
            default -> BigEndian.int64(bytes, offset);
        };
        return convert(v, target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        long v;
        try {
            v = Long.parseLong(value.toString(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw malformed("not an integer");
        }
        if (v < min || v > max) {
            throw malformed("out of range");
        }
        return convert(v, target);
    }

    private Object convert(long v, Class<?> target) {
        if (target == Long.class) {
            return v;
        }
        if (target == Integer.class) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw cannotRead(target, "out of range");
            }
            return (int) v;
        }
        if (target == Short.class) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                throw cannotRead(target, "out of range");
            }
            return (short) v;
        }
        if (target == BigInteger.class) {
            return BigInteger.valueOf(v);
        }
        if (target == BigDecimal.class) {
            return BigDecimal.valueOf(v);
        }
        if (target == Double.class) {
            return (double) v;
        }
        if (target == String.class) {
            return Long.toString(v);
        }
        // Object, Number, Serializable, Comparable: the type's own class
        return switch (width) {
            case 2 -> (short) v;
            case 4 -> (int) v;
            default -> v;
        };
    }
}
