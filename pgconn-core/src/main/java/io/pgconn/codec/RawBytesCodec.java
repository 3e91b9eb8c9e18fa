package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The binary form of a type without a codec, as the bytes the server sent: only a caller that asked
 * for binary results of an unknown type (and for {@code byte[]} or {@code Object}) gets these.
 */
final class RawBytesCodec implements Codec<byte[]> {

    public static final RawBytesCodec INSTANCE = new RawBytesCodec();

    private static final PgType TYPE = PgType.of(Oids.UNKNOWN, "unknown");

    private RawBytesCodec() {
    }

    @Override
    public PgType type() {
        return TYPE;
    }

    @Override
    public Class<byte[]> javaType() {
        return byte[].class;
    }

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public boolean decodes(Format format, Class<?> target) {
        return format == Format.BINARY && (target == byte[].class || target == Object.class);
    }

    @Override
    public void encode(byte[] value, ByteBuf out) {
        out.writeBytes(value);
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        return ByteBufUtil.getBytes(value);
    }
}
