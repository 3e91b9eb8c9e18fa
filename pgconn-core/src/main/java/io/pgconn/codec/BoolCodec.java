package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/** {@code bool}: one byte, 0 or 1 ({@code boolrecv} takes any non-zero byte as true); text {@code t}/{@code f}. */
final class BoolCodec extends BinaryArrayCodec<Boolean> {

    BoolCodec() {
        super(PgType.BOOL, Boolean.class, Format.BINARY, true);
    }

    @Override
    public void encode(Boolean value, ByteBuf out) {
        out.writeByte(value ? 1 : 0);
    }

    @Override
    byte[] encodeArray(Boolean value) {
        return new byte[] {(byte) (value ? 1 : 0)};
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, 1);
        return bytes[offset] != 0;
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        if (value.readableBytes() == 1) {
            byte b = value.getByte(value.readerIndex());
            if (b == 't') {
                return Boolean.TRUE;
            }
            if (b == 'f') {
                return Boolean.FALSE;
            }
        }
        throw malformed("expected t or f");
    }
}
