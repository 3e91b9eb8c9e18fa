package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.ByteBuffer;

/**
 * {@code bytea}: the bytes themselves in binary. Writes {@code byte[]} and {@code ByteBuffer} (its
 * remaining bytes, without moving its position); reads either (a new array / a heap buffer). The text
 * form is read in both {@code bytea_output} styles: {@code \x} hex and the older escape format.
 */
final class ByteaCodec extends BaseCodec<Object> {

    /** PostgreSQL's limit for one message (MaxAllocSize - 1, its length word included), which a Bind must keep to. */
    private static final int MAX_SENDABLE = 0x3FFF_FFFE;

    private ByteaCodec(Class<?> javaType) {
        super(PgType.BYTEA, javaType, Format.BINARY, true, byte[].class, ByteBuffer.class);
    }

    static ByteaCodec bytes() {
        return new ByteaCodec(byte[].class);
    }

    static ByteaCodec byteBuffer() {
        return new ByteaCodec(ByteBuffer.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == byte[].class || ByteBuffer.class.isAssignableFrom(valueClass);
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        requireSendable(value);
        if (value instanceof byte[] bytes) {
            out.writeBytes(bytes);
        } else {
            out.writeBytes(((ByteBuffer) value).duplicate());
        }
    }

    /** One copy of the bytes (through the scratch buffer a large value was copied twice, and its growth doubled). */
    @Override
    byte[] encodeArray(Object value) {
        requireSendable(value);
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Override
    boolean longerThan(Object value, long maxBytes) {
        return leastBytes(value) > maxBytes;
    }

    /** Exactly the value's length. */
    @Override
    long leastBytes(Object value) {
        return value instanceof byte[] bytes ? bytes.length : ((ByteBuffer) value).remaining();
    }

    /** A value longer than any message PostgreSQL reads is refused before it is copied. */
    private void requireSendable(Object value) {
        int length = value instanceof byte[] bytes ? bytes.length : ((ByteBuffer) value).remaining();
        if (length > MAX_SENDABLE) {
            throw cannotWrite(value, "a value of " + length + " bytes is more than PostgreSQL reads in one message (1 GB)");
        }
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        return shape(ByteBufUtil.getBytes(value), target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        int at = value.readerIndex();
        int n = value.readableBytes();
        if (n >= 2 && value.getByte(at) == '\\' && value.getByte(at + 1) == 'x') {
            if ((n - 2) % 2 != 0) {
                throw malformed("odd number of hex digits");
            }
            byte[] bytes = new byte[(n - 2) / 2];
            for (int i = 0; i < bytes.length; i++) {
                int hi = Character.digit(value.getByte(at + 2 + 2 * i), 16);
                int lo = Character.digit(value.getByte(at + 3 + 2 * i), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("invalid hex digit");
                }
                bytes[i] = (byte) (hi << 4 | lo);
            }
            return shape(bytes, target);
        }
        return shape(unescape(value, at, n), target);
    }

    /** bytea_output = escape: {@code \\} is a backslash, {@code \ooo} an octal byte, anything else itself. */
    private byte[] unescape(ByteBuf value, int at, int n) {
        ByteBuf out = value.alloc().heapBuffer(n);
        try {
            for (int i = 0; i < n; i++) {
                byte b = value.getByte(at + i);
                if (b != '\\') {
                    out.writeByte(b);
                } else if (i + 1 < n && value.getByte(at + i + 1) == '\\') {
                    out.writeByte('\\');
                    i++;
                } else if (i + 3 < n && octal(value.getByte(at + i + 1)) >= 0 && octal(value.getByte(at + i + 2)) >= 0
                        && octal(value.getByte(at + i + 3)) >= 0) {
                    int v = octal(value.getByte(at + i + 1)) << 6 | octal(value.getByte(at + i + 2)) << 3 | octal(value.getByte(at + i + 3));
                    if (v > 0xFF) {
                        throw malformed("invalid escape");
                    }
                    out.writeByte(v);
                    i += 3;
                } else {
                    throw malformed("invalid escape");
                }
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static int octal(byte b) {
        return b >= '0' && b <= '7' ? b - '0' : -1;
    }

    private static Object shape(byte[] bytes, Class<?> target) {
        return target == ByteBuffer.class ? ByteBuffer.wrap(bytes) : bytes;
    }
}
