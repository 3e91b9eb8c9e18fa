package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * {@code numeric} in {@code numeric_send}'s form: {@code int16 ndigits, int16 weight, uint16 sign,
 * uint16 dscale}, then {@code ndigits} base-10000 digits (most significant first); the value is
 * {@code Σ digit[i] · 10000^(weight − i)}, shown with {@code dscale} decimals.
 *
 * <p><b>NaN and ±Infinity</b> (infinity exists since PostgreSQL 14) have no {@code BigDecimal}: read as
 * {@code BigDecimal} they are a {@link io.pgconn.codec.PgConversionException}; read as {@code Double}
 * (or {@code Object}, the default, which is otherwise a {@code BigDecimal}) they are
 * {@code Double.NaN}/{@code ±Double.POSITIVE_INFINITY} — as pgjdbc's {@code getObject} does for NaN.
 * Written: {@code Double}/{@code Float} NaN and infinities become the numeric ones when the parameter is
 * typed numeric.
 */
final class NumericCodec extends BinaryArrayCodec<Number> {

    private static final int POSITIVE = 0x0000;
    private static final int NEGATIVE = 0x4000;
    private static final int NAN = 0xC000;
    private static final int PINF = 0xD000;
    private static final int NINF = 0xF000;
    /** NUMERIC_DSCALE_MASK: the largest display scale the format can carry. */
    private static final int MAX_DSCALE = 0x3FFF;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
    private static final BigInteger TEN_TO_16 = BigInteger.TEN.pow(16);

    private NumericCodec(Class<? extends Number> javaType) {
        super(PgType.NUMERIC, javaType, Format.BINARY, true, BigDecimal.class, BigInteger.class, Double.class,
                Long.class, Integer.class, String.class);
    }

    /** The numeric codec, reading {@code BigDecimal} by default. */
    static NumericCodec bigDecimal() {
        return new NumericCodec(BigDecimal.class);
    }

    /** The same codec registered for {@code BigInteger} parameters. */
    static NumericCodec bigInteger() {
        return new NumericCodec(BigInteger.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == BigDecimal.class || valueClass == BigInteger.class || valueClass == Long.class
                || valueClass == Integer.class || valueClass == Short.class || valueClass == Byte.class
                || valueClass == Double.class || valueClass == Float.class;
    }

    // ---------------------------------------------------------------- encode

    @Override
    public void encode(Number value, ByteBuf out) {
        if (value instanceof Double || value instanceof Float) {
            double d = value.doubleValue();
            if (Double.isNaN(d)) {
                special(out, NAN);
                return;
            }
            if (Double.isInfinite(d)) {
                special(out, d > 0 ? PINF : NINF);
                return;
            }
            encode(new BigDecimal(value.toString()), value, out);
        } else if (value instanceof BigDecimal bd) {
            encode(bd, value, out);
        } else if (value instanceof BigInteger bi) {
            encode(new BigDecimal(bi), value, out);
        } else {
            encode(BigDecimal.valueOf(value.longValue()), value, out);
        }
    }

    private static void special(ByteBuf out, int sign) {
        out.writeShort(0).writeShort(0).writeShort(sign).writeShort(0);
    }

    private void encode(BigDecimal number, Number original, ByteBuf out) {
        int scale = Math.max(number.scale(), 0);
        if (scale > MAX_DSCALE) {
            throw cannotWrite(original, "scale above " + MAX_DSCALE);
        }
        if (number.scale() >= 0 && number.precision() + 3 <= 18) {
            encodeSmall(number, scale, out);
            return;
        }
        BigInteger unscaled = number.unscaledValue().abs();
        if (number.scale() < 0) {
            unscaled = unscaled.multiply(BigInteger.TEN.pow(-number.scale()));
        }
        // align the fraction to whole base-10000 digits: pad it to a multiple of 4 decimals
        int fractionDigits = (scale + 3) / 4;
        int pad = fractionDigits * 4 - scale;
        if (pad > 0) {
            unscaled = unscaled.multiply(BigInteger.TEN.pow(pad));
        }
        // base-10000 digits, least significant first
        int[] digits = toBase10000(unscaled);
        int count = digits.length;
        int weight = count - fractionDigits - 1;
        // drop trailing zero digits (the least significant ones); leading ones do not exist
        int low = 0;
        while (low < count && digits[low] == 0) {
            low++;
        }
        int ndigits = count - low;
        if (ndigits == 0) {
            weight = 0;
        }
        if (weight > Short.MAX_VALUE || weight < Short.MIN_VALUE || ndigits > 0xFFFF) {
            throw cannotWrite(original, "magnitude out of numeric's range");
        }
        out.writeShort(ndigits);
        out.writeShort(weight);
        out.writeShort(number.signum() < 0 ? NEGATIVE : POSITIVE);
        out.writeShort(scale);
        for (int i = count - 1; i >= low; i--) {
            out.writeShort(digits[i]);
        }
    }

    private static final long[] POWERS_OF_10000 = {1L, 10_000L, 100_000_000L, 1_000_000_000_000L, 10_000_000_000_000_000L};
    private static final long[] POWERS_OF_10 = {1L, 10L, 100L, 1000L};
    /** 10^0 .. 10^18, the powers of ten a long holds. */
    private static final long[] TENS = new long[19];

    static {
        TENS[0] = 1;
        for (int i = 1; i < TENS.length; i++) {
            TENS[i] = TENS[i - 1] * 10;
        }
    }

    /** The same as the general path for values of at most 15 digits, in long arithmetic (one BigInteger: the unscaled value). */
    private static void encodeSmall(BigDecimal number, int scale, ByteBuf out) {
        int fractionDigits = (scale + 3) / 4;
        long u = Math.abs(number.unscaledValue().longValue()) * POWERS_OF_10[fractionDigits * 4 - scale];
        int count = 0;
        while (count < POWERS_OF_10000.length && u >= POWERS_OF_10000[count]) {
            count++;
        }
        int low = 0;
        while (low < count && (u / POWERS_OF_10000[low]) % 10_000 == 0) {
            low++;
        }
        int ndigits = count - low;
        out.writeShort(ndigits);
        out.writeShort(ndigits == 0 ? 0 : count - fractionDigits - 1);
        out.writeShort(number.signum() < 0 ? NEGATIVE : POSITIVE);
        out.writeShort(scale);
        for (int i = count - 1; i >= low; i--) {
            out.writeShort((int) ((u / POWERS_OF_10000[i]) % 10_000));
        }
    }

    private static int[] toBase10000(BigInteger value) {
        if (value.signum() == 0) {
            return new int[0];
        }
        if (value.bitLength() < 63) {
            long v = value.longValue();
            int[] digits = new int[5];
            int n = 0;
            while (v != 0) {
                digits[n++] = (int) (v % 10_000);
                v /= 10_000;
            }
            return java.util.Arrays.copyOf(digits, n);
        }
        // split by decimal string: linear, and simple for the huge values numeric allows
        String s = value.toString();
        int n = (s.length() + 3) / 4;
        int[] digits = new int[n];
        int end = s.length();
        for (int i = 0; i < n; i++) {
            int start = Math.max(0, end - 4);
            digits[i] = Integer.parseInt(s, start, end, 10);
            end = start;
        }
        return digits;
    }

    // ---------------------------------------------------------------- decode

    @Override
    Object decodeArray(byte[] bytes, int at, int length, Format format, Class<?> target) {
        if (length < 8) {
            throw malformed("header needs 8 bytes, got " + length);
        }
        int ndigits = BigEndian.uint16(bytes, at);
        int weight = BigEndian.int16(bytes, at + 2);
        int sign = BigEndian.uint16(bytes, at + 4);
        int dscale = BigEndian.uint16(bytes, at + 6);
        if (length != 8 + 2 * ndigits) {
            throw malformed(ndigits + " digits need " + (8 + 2 * ndigits) + " bytes, got " + length);
        }
        if ((dscale & MAX_DSCALE) != dscale) {
            throw malformed("invalid scale");
        }
        switch (sign) {
            case NAN -> {
                return special(Double.NaN, "NaN", target);
            }
            case PINF -> {
                return special(Double.POSITIVE_INFINITY, "Infinity", target);
            }
            case NINF -> {
                return special(Double.NEGATIVE_INFINITY, "-Infinity", target);
            }
            case POSITIVE, NEGATIVE -> {
            }
            default -> throw malformed("invalid sign");
        }
        // up to 4 base-10000 digits fit a long: the common case allocates no BigInteger
        BigInteger unscaled = null;
        long chunk = 0;
        int inChunk = 0;
        for (int i = 0; i < ndigits; i++) {
            int digit = BigEndian.int16(bytes, at + 8 + 2 * i);
            if (digit < 0 || digit >= 10_000) {
                throw malformed("invalid digit");
            }
            if (inChunk == 4) { // 10000^4 < 2^63
                unscaled = (unscaled == null ? BigInteger.valueOf(chunk) : unscaled.multiply(TEN_TO_16).add(BigInteger.valueOf(chunk)));
                chunk = 0;
                inChunk = 0;
            }
            chunk = chunk * 10_000 + digit;
            inChunk++;
        }
        BigDecimal number;
        int exponent = -4 * (weight - ndigits + 1);
        if (unscaled == null) {
            // the value at its display scale in one step, without the intermediate BigDecimal setScale would make
            int shift = dscale - exponent;
            if (shift >= 0 && shift < TENS.length && chunk <= Long.MAX_VALUE / TENS[shift]) {
                long v = chunk * TENS[shift];
                return convert(BigDecimal.valueOf(sign == NEGATIVE ? -v : v, dscale), target);
            }
            if (shift < 0 && -shift < TENS.length) {
                long v = chunk / TENS[-shift]; // digits hidden by dscale are cut, as numeric_recv does
                return convert(BigDecimal.valueOf(sign == NEGATIVE ? -v : v, dscale), target);
            }
            number = BigDecimal.valueOf(sign == NEGATIVE ? -chunk : chunk, exponent);
        } else {
            unscaled = unscaled.multiply(TEN_THOUSAND.pow(inChunk)).add(BigInteger.valueOf(chunk));
            number = new BigDecimal(sign == NEGATIVE ? unscaled.negate() : unscaled, exponent);
        }
        // the last digit's place is 10000^(weight - ndigits + 1); digits hidden by dscale are cut, as numeric_recv does
        return convert(number.setScale(dscale, RoundingMode.DOWN), target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        String text = value.toString(StandardCharsets.US_ASCII);
        switch (text) {
            case "NaN":
                return special(Double.NaN, text, target);
            case "Infinity":
                return special(Double.POSITIVE_INFINITY, text, target);
            case "-Infinity":
                return special(Double.NEGATIVE_INFINITY, text, target);
            default:
                try {
                    return convert(new BigDecimal(text), target);
                } catch (NumberFormatException e) {
                    throw malformed("not a number");
                }
        }
    }

    private Object special(double d, String text, Class<?> target) {
        if (target == Double.class || target == Object.class || target == Number.class) {
            return d;
        }
        if (target == String.class) {
            return text;
        }
        throw cannotRead(target, text + " has no " + target.getSimpleName() + "; read it as Double");
    }

    private Object convert(BigDecimal number, Class<?> target) {
        if (target == Double.class) {
            return number.doubleValue();
        }
        if (target == String.class) {
            return number.toPlainString();
        }
        try {
            if (target == BigInteger.class) {
                return number.toBigIntegerExact();
            }
            if (target == Long.class) {
                return number.longValueExact();
            }
            if (target == Integer.class) {
                return number.intValueExact();
            }
        } catch (ArithmeticException e) {
            throw cannotRead(target, "not an integer in range");
        }
        return number;
    }
}
