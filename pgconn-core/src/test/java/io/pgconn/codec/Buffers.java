package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.pgconn.testing.LeakDetectionExtension;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buffers for codec tests, each released before the helper returns and checked to be freed: a codec
 * must neither release nor retain the buffer it is handed.
 */
final class Buffers {

    static {
        // installs the recording leak detector before the first ByteBuf class is initialised in this JVM
        LeakDetectionExtension.class.getName();
    }

    private Buffers() {
    }

    /** The bytes {@code codec} writes for {@code value}. */
    @SuppressWarnings("unchecked")
    static byte[] encode(Codec<?> codec, Object value) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
        try {
            ((Codec<Object>) codec).encode(value, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            release(out);
        }
    }

    /** The bytes {@code encoder} writes for {@code value}, checked to be the bytes it makes as an array. */
    static byte[] encode(Encoder encoder, Object value) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
        try {
            encoder.encode(value, out);
            byte[] bytes = ByteBufUtil.getBytes(out);
            assertThat(encoder.encode(value)).as("the bytes encode(value) makes").isEqualTo(bytes);
            return bytes;
        } finally {
            release(out);
        }
    }

    /** Decodes {@code bytes} placed in the middle of a bigger buffer, as a DataRow slice would be. */
    static Object decode(Codec<?> codec, byte[] bytes, Format format, Class<?> target) {
        return withSlice(bytes, slice -> codec.decode(slice, format, target));
    }

    /**
     * Reads {@code bytes} through {@link Decoder#decode(byte[], int, int)} from the middle of a bigger
     * array, as a row's reads do: a codec that reads arrays must read exactly that range.
     */
    static Object decodeArray(Decoder decoder, byte[] bytes) {
        byte[] row = new byte[bytes.length + 16];
        java.util.Arrays.fill(row, (byte) 0x5A);
        System.arraycopy(bytes, 0, row, 8, bytes.length);
        java.util.Arrays.fill(row, 8 + bytes.length, row.length, (byte) 0xA5);
        byte[] before = row.clone();
        Object value = decoder.decode(row, 8, bytes.length);
        assertThat(row).as("the codec wrote to the row's bytes").isEqualTo(before);
        return value;
    }

    /** A value compared by content: arrays (also inside lists, as array columns hold bytea values) become lists. */
    static Object byContent(Object value) {
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(Buffers::byContent).toList();
        }
        if (value != null && value.getClass().isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                items.add(byContent(java.lang.reflect.Array.get(value, i)));
            }
            return items;
        }
        return value;
    }

    static <R> R withSlice(byte[] bytes, Function<ByteBuf, R> reader) {
        ByteBuf row = PooledByteBufAllocator.DEFAULT.buffer(bytes.length + 16);
        try {
            row.writeLong(0x5A5A5A5A5A5A5A5AL); // bytes before and after the value a codec must not touch
            row.writeBytes(bytes);
            row.writeLong(0xA5A5A5A5A5A5A5A5L);
            ByteBuf slice = row.slice(8, bytes.length);
            return reader.apply(slice);
        } finally {
            release(row);
        }
    }

    private static void release(ByteBuf buf) {
        assertThat(buf.refCnt()).as("the codec kept the buffer's reference count").isEqualTo(1);
        buf.release();
        assertThat(buf.refCnt()).isZero();
    }
}
