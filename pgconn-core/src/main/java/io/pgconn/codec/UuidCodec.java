package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** {@code uuid}: 16 bytes, most significant first; the text form is the canonical 36 characters. */
final class UuidCodec extends BinaryArrayCodec<UUID> {

    UuidCodec() {
        super(PgType.UUID, UUID.class, Format.BINARY, true, String.class);
    }

    @Override
    public void encode(UUID value, ByteBuf out) {
        out.writeLong(value.getMostSignificantBits()).writeLong(value.getLeastSignificantBits());
    }

    @Override
    byte[] encodeArray(UUID value) {
        return BigEndian.of128(value.getMostSignificantBits(), value.getLeastSignificantBits());
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, 16);
        UUID uuid = new UUID(BigEndian.int64(bytes, offset), BigEndian.int64(bytes, offset + 8));
        return target == String.class ? uuid.toString() : uuid;
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        String text = value.toString(StandardCharsets.US_ASCII);
        if (text.length() != 36) {
            throw malformed("expected 36 characters, got " + text.length());
        }
        try {
            UUID uuid = UUID.fromString(text);
            return target == String.class ? text : uuid;
        } catch (IllegalArgumentException e) {
            throw malformed("not a UUID");
        }
    }
}
