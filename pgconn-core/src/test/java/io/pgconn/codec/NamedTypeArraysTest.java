package io.pgconn.codec;

import io.pgconn.PgProtocolException;
import io.pgconn.codec.CodecRegistryTest.Ltree;
import io.pgconn.codec.CodecRegistryTest.LtreeCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.pgconn.codec.Buffers.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Arrays of named types (a user's codec, hstore): the array type's OID is bound with the element's
 * ({@code name[]}), a text codec's arrays travel in {@code array_out}'s text form, a binary one's in
 * {@code array_send}'s form; NULL elements both ways.
 */
class NamedTypeArraysTest {

    private static final int LTREE = 50_000;
    private static final int LTREE_ARRAY = 50_001;
    private static final int HSTORE = 40_001;
    private static final int HSTORE_ARRAY = 40_002;

    private final CodecRegistry registry = CodecRegistry.builder().register(new LtreeCodec()).build()
            .bind(Map.of("ltree", LTREE, "ltree[]", LTREE_ARRAY, "hstore", HSTORE, "hstore[]", HSTORE_ARRAY));

    @Test
    void aTextCodecsArraysAreWrittenAsTextWithEveryElementQuoted() {
        Ltree[] value = {new Ltree("a.b"), null, new Ltree("with \"quote\", \\ and {brace}"), new Ltree("")};
        Encoder encoder = registry.encoder(value);
        assertThat(encoder.oid()).isEqualTo(LTREE_ARRAY);
        assertThat(encoder.format()).isEqualTo(Format.TEXT);
        assertThat(new String(encode(encoder, value), StandardCharsets.UTF_8))
                .isEqualTo("{\"a.b\",NULL,\"with \\\"quote\\\", \\\\ and {brace}\",\"\"}");
        Encoder list = registry.encoder(Arrays.asList(null, new Ltree("x")));
        assertThat(list.oid()).isEqualTo(LTREE_ARRAY);
        assertThat(new String(encode(list, Arrays.asList(null, new Ltree("x"))), StandardCharsets.UTF_8)).isEqualTo("{NULL,\"x\"}");
    }

    @Test
    void aTextCodecsArraysAreReadFromArrayOutsText() {
        assertThat(registry.resultFormat(LTREE_ARRAY)).isEqualTo(Format.TEXT);
        assertThat(registry.typeName(LTREE_ARRAY)).isEqualTo("ltree[]");
        String text = "{a.b,NULL,\"with \\\"quote\\\", \\\\ and {brace}\",\"\",\"NULL\", spaced }";
        Object read = read(text, Object.class);
        assertThat(read).isInstanceOf(Ltree[].class);
        assertThat((Ltree[]) read).containsExactly(new Ltree("a.b"), null, new Ltree("with \"quote\", \\ and {brace}"),
                new Ltree(""), new Ltree("NULL"), new Ltree("spaced"));
        assertThat((List<?>) read(text, List.class)).hasSize(6).containsNull();
        assertThat(read("{}", Ltree[].class)).isEqualTo(new Ltree[0]);
        assertThat(read("[0:1]={x,y}", Ltree[].class)).isEqualTo(new Ltree[]{new Ltree("x"), new Ltree("y")});
        // as String: the array's own text, as for a type without a codec
        assertThat(read(text, String.class)).isEqualTo(text);
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        Ltree[] value = {new Ltree("ü✓ 日本"), null, new Ltree("a,b}{\"\\")};
        byte[] bytes = encode(registry.encoder(value), value);
        assertThat(read(new String(bytes, StandardCharsets.UTF_8), Ltree[].class)).isEqualTo(value);
    }

    @Test
    void malformedTextIsRefusedNamingTheType() {
        for (String bad : List.of("a.b", "{a", "{\"a}", "{a,}", "{a}x", "{a\"b}", "[0:1]{a}")) {
            assertThatThrownBy(() -> read(bad, Object.class)).as(bad)
                    .isInstanceOf(PgProtocolException.class).hasMessageContaining("malformed ltree[] value");
        }
        // several dimensions must be rectangular, sub-arrays and elements each at their level, at most 6 levels
        for (String bad : List.of("{{a},{b,c}}", "{{a},b}", "{a,{b}}", "{{a,b},{c}}", "{{{{{{{a}}}}}}}", "{{a}")) {
            assertThatThrownBy(() -> read(bad, Object.class)).as(bad)
                    .isInstanceOf(PgProtocolException.class).hasMessageContaining("malformed ltree[] value");
        }
    }

    /** Session 29: a text codec's arrays of several dimensions read and write as nested arrays (were refused both ways). */
    @Test
    void aTextCodecsArraysOfSeveralDimensionsReadAndWriteAsNestedArrays() {
        String text = "{{a.b,NULL},{\"c, d\",e}}";
        Object read = read(text, Object.class);
        assertThat(read).isInstanceOf(Ltree[][].class);
        assertThat((Ltree[][]) read).isDeepEqualTo(new Ltree[][] {{new Ltree("a.b"), null}, {new Ltree("c, d"), new Ltree("e")}});
        assertThat(read(text, Ltree[][].class)).isInstanceOf(Ltree[][].class);
        assertThat(read(text, List.class)).isEqualTo(List.of(Arrays.asList(new Ltree("a.b"), null), List.of(new Ltree("c, d"), new Ltree("e"))));
        assertThat((Ltree[][][]) read("[1:1][1:2][0:0]={{{x},{y}}}", Object.class))
                .isDeepEqualTo(new Ltree[][][] {{{new Ltree("x")}, {new Ltree("y")}}});
        assertThatThrownBy(() -> read(text, Ltree[].class)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("cannot read a 2-dimensional ltree[] value as Ltree[]");
        assertThat(read("{}", Ltree[][].class)).isEqualTo(new Ltree[0][]);
        assertThat(read(text, String.class)).isEqualTo(text);

        Ltree[][] value = {{new Ltree("a"), null}, {new Ltree("b \"q\""), new Ltree("c")}};
        Encoder encoder = registry.encoder(value);
        assertThat(encoder.oid()).isEqualTo(LTREE_ARRAY);
        byte[] bytes = encode(encoder, value);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{{\"a\",NULL},{\"b \\\"q\\\"\",\"c\"}}");
        assertThat(read(new String(bytes, StandardCharsets.UTF_8), Ltree[][].class)).isEqualTo(value);
        assertThat(new String(encode(encoder, new Ltree[2][0]), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThatThrownBy(() -> encode(encoder, new Ltree[][] {{new Ltree("a")}, {}})).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("rectangular");
        assertThatThrownBy(() -> encode(encoder, new Ltree[1][1][1][1][1][1][1])).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("at most 6 dimensions");
        // REVIEW-29 R29-10: a null first sub-array was taken for a level of no size ({null, null} written as {})
        for (Ltree[][] nulls : List.of(new Ltree[][] {null, {new Ltree("a")}}, new Ltree[][] {null, null})) {
            assertThatThrownBy(() -> encode(encoder, nulls)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("null sub-array at level 2");
        }
    }

    /**
     * Session 29: an enum's array type, given by the connection's lookup ({@code enumArrayKey}), reads as {@code String[]}
     * through its labels' text — not as one {@code String} of the array's text — unless a codec of the enum's own reads it.
     */
    @Test
    void anEnumsArrayTypeReadsAsStringArraysOfItsLabels() {
        int moodArray = 60_001;
        CodecRegistry bound = CodecRegistry.defaults().bind(Map.of(CodecRegistry.enumArrayKey(moodArray), moodArray));
        assertThat(CodecRegistry.defaults().knows(moodArray)).isFalse();
        assertThat(bound.resultFormat(moodArray)).isEqualTo(Format.TEXT);
        assertThat(bound.javaType(moodArray, Format.TEXT)).isEqualTo(String[].class);
        assertThat(bound.typeName(moodArray)).isEqualTo("enum[]");
        assertThat(CodecRegistry.defaults().bind(Map.of(CodecRegistry.enumArrayKey(moodArray, "mood"), moodArray)).typeName(moodArray))
                .as("R29-14: with the enum's name, its own array name").isEqualTo("mood[]");
        String text = "{ok,NULL,\"a b\",\"NULL\"}";
        assertThat(read(bound, moodArray, text, Object.class)).isEqualTo(new String[] {"ok", null, "a b", "NULL"});
        assertThat(read(bound, moodArray, text, List.class)).isEqualTo(Arrays.asList("ok", null, "a b", "NULL"));
        assertThat(read(bound, moodArray, text, String.class)).isEqualTo(text);
        assertThat(read(bound, moodArray, "{{ok,sad},{NULL,ok}}", Object.class))
                .isEqualTo(new String[][] {{"ok", "sad"}, {null, "ok"}});
        // a codec of the enum's own, bound by name with its array type, reads that array type instead
        CodecRegistry named = CodecRegistry.builder().register(new LtreeCodec()).build()
                .bind(Map.of("ltree", LTREE, "ltree[]", LTREE_ARRAY, CodecRegistry.enumArrayKey(LTREE_ARRAY), LTREE_ARRAY));
        assertThat(read(named, LTREE_ARRAY, "{a}", Object.class)).isEqualTo(new Ltree[] {new Ltree("a")});
    }

    /**
     * Session 31: a looked-up domain ({@code domainKey}) without a codec of its own has its arrays read through its base
     * type's codecs — binary for {@code int4}, its elements carrying the domain's OID; as {@code String[]} of the text
     * for a base type without a codec — and a composite ({@code compositeKey}) its arrays as {@code String[]} of each
     * row's text; a codec of the type's own comes first, and without the array type's OID nothing is bound.
     */
    @Test
    void aDomainsArraysReadThroughItsBaseTypeAndACompositesAsItsRowsText() {
        int posint = 60_010;
        int posintArray = 60_011;
        int spotArray = 60_013;
        int pairArray = 60_015;
        CodecRegistry bound = CodecRegistry.defaults().bind(Map.of("posint", posint, "posint[]", posintArray,
                CodecRegistry.domainKey("posint", Oids.INT4), posint, "spot", 60_012, "spot[]", spotArray,
                CodecRegistry.domainKey("spot", 600), 60_012, "pair", 60_014, "pair[]", pairArray,
                CodecRegistry.compositeKey("pair"), 60_014, CodecRegistry.domainKey("lonely", Oids.INT4), 60_016));
        assertThat(bound.resultFormat(posintArray)).isEqualTo(Format.BINARY);
        assertThat(bound.javaType(posintArray, Format.BINARY)).isEqualTo(Integer[].class);
        assertThat(bound.typeName(posintArray)).isEqualTo("posint[]");
        io.netty.buffer.ByteBuf bytes = io.netty.buffer.Unpooled.buffer().writeInt(1).writeInt(1).writeInt(posint).writeInt(2).writeInt(1)
                .writeInt(4).writeInt(7).writeInt(-1);
        try {
            assertThat(bound.decode(posintArray, Format.BINARY, bytes)).isEqualTo(new Integer[] {7, null});
        } finally {
            bytes.release();
        }
        assertThat(read(bound, spotArray, "{\"(1,2)\",NULL}", Object.class)).isEqualTo(new String[] {"(1,2)", null});
        assertThat(read(bound, pairArray, "{\"(1,\\\"a b\\\")\",\"(2,)\"}", Object.class))
                .isEqualTo(new String[] {"(1,\"a b\")", "(2,)"});
        assertThat(bound.typeName(pairArray)).isEqualTo("pair[]");
        assertThat(CodecRegistry.defaults().bind(Map.of("posint", posint, CodecRegistry.domainKey("posint", Oids.INT4), posint))
                .knows(posintArray)).as("no array type found: nothing bound").isFalse();
        CodecRegistry withCodec = CodecRegistry.builder().register(new LtreeCodec()).build().bind(Map.of("ltree", 60_020,
                "ltree[]", 60_021, CodecRegistry.compositeKey("ltree"), 60_020));
        assertThat(withCodec.typeName(60_021)).as("the type's own codec reads its arrays").isEqualTo("ltree[]");
        assertThat(read(withCodec, 60_021, "{a.b}", Object.class)).isInstanceOf(Ltree[].class);
    }

    /**
     * REVIEW-32 R32-5: the text arrays of a looked-up type are split at its delimiter ({@code delimiterKey}): a listed
     * domain over {@code box} at {@code ;} (split at {@code ,}, two boxes read as seven strings), a text codec's type
     * created with {@code DELIMITER = ':'} (PostGIS') at {@code :}, both ways; a delimiter the array syntax cannot take
     * leaves the array type without a codec (one {@code String}) rather than split it at the wrong places.
     */
    @Test
    void aLookedUpTypesTextArraysAreSplitAtItsDelimiter() {
        int dbox = 60_030;
        int dboxArray = 60_031;
        int ddbox = 60_032;
        int ddboxArray = 60_033;
        CodecRegistry bound = CodecRegistry.defaults().bind(Map.of("dbox", dbox, "dbox[]", dboxArray,
                CodecRegistry.domainKey("dbox", 603), dbox, CodecRegistry.delimiterKey("dbox", ';'), dbox,
                "ddbox", ddbox, "ddbox[]", ddboxArray, CodecRegistry.domainKey("ddbox", dbox), ddbox,
                CodecRegistry.delimiterKey("ddbox", ';'), ddbox));
        String boxes = "{(3,4),(1,2);NULL;(1,1),(0,0)}";
        assertThat(read(bound, dboxArray, boxes, Object.class)).isEqualTo(new String[] {"(3,4),(1,2)", null, "(1,1),(0,0)"});
        assertThat(read(bound, ddboxArray, boxes, String[].class)).as("a domain over a listed domain over box")
                .isEqualTo(new String[] {"(3,4),(1,2)", null, "(1,1),(0,0)"});
        assertThat(read(bound, dboxArray, boxes, String.class)).isEqualTo(boxes);

        CodecRegistry colon = CodecRegistry.builder().register(new LtreeCodec()).build().bind(Map.of("ltree", LTREE,
                "ltree[]", LTREE_ARRAY, CodecRegistry.delimiterKey("ltree", ':'), LTREE));
        assertThat(read(colon, LTREE_ARRAY, "{a,b:\"c:d\":NULL}", Object.class))
                .isEqualTo(new Ltree[] {new Ltree("a,b"), new Ltree("c:d"), null});
        Ltree[] value = {new Ltree("a,b"), null, new Ltree("c")};
        assertThat(new String(encode(colon.encoder(value), value), StandardCharsets.UTF_8)).isEqualTo("{\"a,b\":NULL:\"c\"}");
        assertThat(read(colon, LTREE_ARRAY, "{{a:b}:{c:d}}", Object.class))
                .isEqualTo(new Ltree[][] {{new Ltree("a"), new Ltree("b")}, {new Ltree("c"), new Ltree("d")}});

        for (char unreadable : new char[] {' ', '"', '{', '}', '\\', (char) 0xA7, '\t'}) {
            CodecRegistry odd = CodecRegistry.defaults().bind(Map.of("dbox", dbox, "dbox[]", dboxArray,
                    CodecRegistry.domainKey("dbox", 603), dbox, CodecRegistry.delimiterKey("dbox", unreadable), dbox));
            assertThat(odd.knows(dboxArray)).as("delimiter %d: no array codec", (int) unreadable).isFalse();
            assertThat(read(odd, dboxArray, boxes, Object.class)).isEqualTo(boxes);
        }
        CodecRegistry oddCodec = CodecRegistry.builder().register(new LtreeCodec()).build().bind(Map.of("ltree", LTREE,
                "ltree[]", LTREE_ARRAY, CodecRegistry.delimiterKey("ltree", '{'), LTREE));
        assertThat(oddCodec.knows(LTREE_ARRAY)).as("a text codec's array with a delimiter it cannot read").isFalse();
        assertThat(oddCodec.knows(LTREE)).isTrue();
    }

    private static Object read(CodecRegistry registry, int oid, String text, Class<?> target) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Decoder decoder = registry.decoder(oid, Format.TEXT, target);
        return Buffers.withSlice(bytes, decoder::decode);
    }

    @Test
    void aBinaryNamedCodecsArraysUseTheBinaryArrayFormAndReadAsStringLikeTheServer() {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("k", "v, \"q\"");
        first.put("n", null);
        List<Map<String, String>> value = Arrays.asList(first, null, Map.of());
        Encoder encoder = registry.encoder(value);
        assertThat(encoder.oid()).isEqualTo(HSTORE_ARRAY);
        assertThat(encoder.format()).isEqualTo(Format.BINARY);
        byte[] bytes = encode(encoder, value);
        assertThat(registry.resultFormat(HSTORE_ARRAY)).isEqualTo(Format.BINARY);
        Object read = Buffers.decode(registry.decoder(HSTORE_ARRAY, Format.BINARY, List.class).codec(), bytes, Format.BINARY, List.class);
        assertThat(read).isEqualTo(value);
        Object text = Buffers.withSlice(bytes, slice -> registry.decoder(HSTORE_ARRAY, Format.BINARY, String.class).decode(slice));
        assertThat(text).isEqualTo("{\"\\\"k\\\"=>\\\"v, \\\\\\\"q\\\\\\\"\\\", \\\"n\\\"=>NULL\",NULL,\"\"}");
    }

    @Test
    void withoutTheArrayTypesOidArraysOfANamedTypeAreRefusedAndReadAsText() {
        CodecRegistry noArray = CodecRegistry.builder().register(new LtreeCodec()).build().bind(Map.of("ltree", LTREE));
        assertThatThrownBy(() -> noArray.encoder(new Ltree[]{new Ltree("a")}))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("the array type of ltree was not found");
        assertThat(noArray.knows(LTREE_ARRAY)).isFalse();
    }

    private Object read(String text, Class<?> target) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Decoder decoder = registry.decoder(LTREE_ARRAY, Format.TEXT, target);
        return Buffers.withSlice(bytes, decoder::decode);
    }
}
