package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Session 31: the built-in array types whose element has no codec ({@code point[]}, {@code box[]}, the ranges,
 * {@code record[]} ...) read as {@code String[]} of their elements' text, as the element reads as its {@code String};
 * until then one {@code String}, and {@code String[]} was refused.
 */
class BuiltinTextArraysTest {

    private static final int POINT_ARRAY = 1017;
    private static final int BOX_ARRAY = 1020;
    private static final int RECORD_ARRAY = 2287;
    private static final int INT4RANGE_ARRAY = 3905;

    private final CodecRegistry registry = CodecRegistry.defaults();

    @Test
    void aPointArrayReadsAsStringArraysOfItsElementsText() {
        String text = "{\"(1,2)\",NULL,\"(-1.5,3)\"}";
        String[] points = {"(1,2)", null, "(-1.5,3)"};
        assertThat(registry.resultFormat(POINT_ARRAY)).isEqualTo(Format.TEXT);
        assertThat(registry.javaType(POINT_ARRAY, Format.TEXT)).isEqualTo(String[].class);
        assertThat(registry.typeName(POINT_ARRAY)).isEqualTo("point[]");
        assertThat(read(POINT_ARRAY, text, Object.class)).isEqualTo(points);
        assertThat(read(POINT_ARRAY, text, String[].class)).isEqualTo(points);
        assertThat(read(POINT_ARRAY, text, List.class)).isEqualTo(Arrays.asList(points));
        assertThat(read(POINT_ARRAY, text, String.class)).as("as String: the server's text").isEqualTo(text);
        assertThat(read(POINT_ARRAY, "{{\"(1,2)\"},{\"(3,4)\"}}", Object.class)).isEqualTo(new String[][] {{"(1,2)"}, {"(3,4)"}});
        assertThat(read(POINT_ARRAY, "{}", Object.class)).isEqualTo(new String[0]);
    }

    /** {@code box}'s delimiter is {@code ;}: its elements hold commas, unquoted ({@code array_out} quotes only around {@code ;}). */
    @Test
    void aBoxArraySplitsAtSemicolons() {
        assertThat(read(BOX_ARRAY, "{(3,4),(1,2);NULL;(0,0),(-1,-1)}", Object.class))
                .isEqualTo(new String[] {"(3,4),(1,2)", null, "(0,0),(-1,-1)"});
        assertThat(registry.typeName(BOX_ARRAY)).isEqualTo("box[]");
        assertThatThrownBy(() -> read(BOX_ARRAY, "{(3,4),(1,2);(0,0),(-1,-1)", Object.class))
                .isInstanceOf(io.pgconn.PgProtocolException.class).hasMessageContaining("box[]");
    }

    @Test
    void recordAndRangeArraysReadTheirElementsQuotedText() {
        assertThat(read(RECORD_ARRAY, "{\"(1,\\\"a, \\\"\\\"b\\\"\\\"\\\")\",\"(2,)\"}", Object.class))
                .isEqualTo(new String[] {"(1,\"a, \"\"b\"\"\")", "(2,)"});
        assertThat(registry.typeName(RECORD_ARRAY)).isEqualTo("record[]");
        assertThat(read(INT4RANGE_ARRAY, "{\"[1,5)\",empty,NULL}", Object.class)).isEqualTo(new String[] {"[1,5)", "empty", null});
    }

    /** A codec for the element type (or for the array type itself) decides the array: the table steps aside. */
    @Test
    void aUsersCodecForTheElementTypeKeepsItsArrays() {
        CodecRegistry withPoint = CodecRegistry.builder().register(new PointText()).build();
        assertThat(withPoint.knows(POINT_ARRAY)).as("a text codec of point: its arrays stay its own business").isFalse();
        assertThat(withPoint.knows(BOX_ARRAY)).isTrue();
    }

    private Object read(int oid, String text, Class<?> target) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Decoder decoder = registry.decoder(oid, Format.TEXT, target);
        return Buffers.withSlice(bytes, decoder::decode);
    }

    /** A user's text codec for {@code point}. */
    private static final class PointText implements Codec<String> {
        @Override
        public PgType type() {
            return PgType.of(600, "point", POINT_ARRAY);
        }

        @Override
        public Class<String> javaType() {
            return String.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(String value, ByteBuf out) {
            out.writeCharSequence(value, StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            return value.toString(StandardCharsets.UTF_8);
        }
    }
}
