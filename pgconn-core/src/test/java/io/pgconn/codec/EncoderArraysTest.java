package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Encoder#encode(Object)}: the parameter's bytes as an array, the same bytes and the same
 * refusals as writing to a buffer, for the built-in codecs that make the array directly and for
 * those (and users' codecs) that go through the per-thread buffer.
 */
class EncoderArraysTest {

    private static final CodecRegistry REGISTRY = CodecRegistry.defaults();

    @Test
    void theArrayHoldsTheBytesTheBufferGets() {
        List<Object> values = List.of(true, (short) -7, 42, Long.MIN_VALUE, 1.5f, Double.NaN, "Grüße \uD83D\uDE42", UUID.randomUUID(),
                LocalDate.of(2024, 2, 29), LocalDate.MAX, LocalDate.of(-4712, 1, 1), LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000),
                Instant.MIN, new java.math.BigDecimal("-1234.5678"), new int[] {1, 2, 3}, List.of("a", "b"), new byte[] {1, 2});
        for (Object value : values) {
            Encoder encoder = REGISTRY.encoder(value);
            assertThat(encoder.encode(value)).as("%s", value.getClass()).isEqualTo(viaBuffer(encoder, value));
        }
        Encoder int2 = REGISTRY.encoder(Oids.INT2, 12);
        assertThat(int2.encode(12)).containsExactly(0, 12);
    }

    @Test
    void refusalsAreTheSameEitherWay() {
        Object[][] cases = {{Oids.INT2, 70_000}, {Oids.INT4, Long.MAX_VALUE}, {Oids.TEXT, "a\0b"},
                {Oids.DATE, LocalDate.of(5874898, 1, 1)}, {Oids.TIMESTAMP, LocalDateTime.of(294277, 1, 1, 0, 0)},
                {Oids.TIMESTAMPTZ, Instant.parse("+294277-01-01T00:00:00Z")}};
        for (Object[] c : cases) {
            Encoder encoder = REGISTRY.encoder((Integer) c[0], c[1]);
            Throwable viaBuffer = org.assertj.core.api.Assertions.catchThrowable(() -> viaBuffer(encoder, c[1]));
            assertThat(viaBuffer).as("oid %s", c[0]).isInstanceOf(PgConversionException.class);
            assertThatThrownBy(() -> encoder.encode(c[1])).as("oid %s", c[0]).isInstanceOf(PgConversionException.class)
                    .hasMessage(viaBuffer.getMessage());
        }
    }

    /** A user's codec that encodes another parameter while encoding its own (nested use of the per-thread buffer). */
    @Test
    void aCodecEncodingAParameterInsideItsOwnGetsItsOwnBuffer() {
        record Pair(int a, String b) {
        }
        Codec<Pair> pairs = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.of(91_500, "pair");
            }

            @Override
            public Class<? extends Pair> javaType() {
                return Pair.class;
            }

            @Override
            public Format format() {
                return Format.BINARY;
            }

            @Override
            public void encode(Pair value, ByteBuf out) {
                byte[] text = REGISTRY.encoder(Oids.NUMERIC, new java.math.BigDecimal(value.a())).encode(new java.math.BigDecimal(value.a()));
                out.writeInt(text.length).writeBytes(text).writeCharSequence(value.b(), java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                throw new UnsupportedOperationException();
            }
        };
        Encoder encoder = CodecRegistry.builder().register(pairs).build().encoder(new Pair(12345, "x"));
        assertThat(encoder.encode(new Pair(12345, "x"))).isEqualTo(viaBuffer(encoder, new Pair(12345, "x")));
    }

    private static byte[] viaBuffer(Encoder encoder, Object value) {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encode(value, out);
            return io.netty.buffer.ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
