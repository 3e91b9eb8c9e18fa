package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * {@code oid}: an unsigned 32-bit integer, read as {@code Long} (or {@code Integer} when below 2^31).
 * A {@code Long} parameter is an {@code int8} by default; an oid parameter is written only when typed
 * as oid, from a {@code Long} or non-negative {@code Integer} below 2^32.
 */
final class OidCodec extends BaseCodec<Number> {

    private static final long MAX = 0xFFFF_FFFFL;

    OidCodec() {
        super(PgType.OID, Long.class, Format.BINARY, true, Long.class, Integer.class, String.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == Long.class || valueClass == Integer.class;
    }

    @Override
    public void encode(Number value, ByteBuf out) {
        long v = value.longValue();
        if (v < 0 || v > MAX) {
            throw cannotWrite(value, "oids are 0 to 4294967295");
        }
        out.writeInt((int) v);
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        expectLength(value, 4);
        return convert(value.getUnsignedInt(value.readerIndex()), target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        long v;
        try {
            v = Long.parseLong(value.toString(StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw malformed("not an oid");
        }
        if (v < 0 || v > MAX) {
            throw malformed("out of range");
        }
        return convert(v, target);
    }

    private Object convert(long v, Class<?> target) {
        if (target == Integer.class) {
            if (v > Integer.MAX_VALUE) {
                throw cannotRead(target, "above 2^31 - 1; read it as Long");
            }
            return (int) v;
        }
        return target == String.class ? Long.toString(v) : (Object) v;
    }
}
