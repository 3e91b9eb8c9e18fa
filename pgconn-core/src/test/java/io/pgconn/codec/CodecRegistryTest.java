package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.pgconn.PgProtocolException;
import io.pgconn.testing.Cents;
import io.pgconn.testing.CentsCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lookup rules of the registry: user codecs first, named types bound per connection, unknown types as text. */
class CodecRegistryTest {

    private static final int HSTORE_OID = 40_001;
    private static final int VECTOR_OID = 40_002;
    private static final String SECRET = "s3cr3t-value";

    /** A user's codec for an extension type known by name. */
    record Ltree(String path) {
    }

    static final class LtreeCodec implements Codec<Ltree> {
        @Override
        public PgType type() {
            return PgType.named("ltree");
        }

        @Override
        public Class<Ltree> javaType() {
            return Ltree.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(Ltree value, ByteBuf out) {
            out.writeCharSequence(value.path(), StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            return new Ltree(value.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aUserCodecForABuiltInTypeIsAskedFirstForThatTypeAndItsClass() {
        CodecRegistry registry = CodecRegistry.builder().register(new CentsCodec()).build();

        assertThat(registry.decode(Oids.INT8, Format.BINARY, bytes(b -> b.writeLong(1234)), Object.class))
                .isEqualTo(new Cents(1234));
        // the built-in int8 codec still reads what the user codec does not
        assertThat(registry.decode(Oids.INT8, Format.BINARY, bytes(b -> b.writeLong(1234)), Long.class)).isEqualTo(1234L);
        Encoder encoder = registry.encoder(new Cents(5));
        assertThat(encoder.oid()).isEqualTo(Oids.INT8);
        assertThat(encode(encoder, new Cents(5))).isEqualTo(ByteBufUtil.getBytes(bytes(b -> b.writeLong(5))));
        assertThat(registry.encoder(5L).codec()).isNotInstanceOf(CentsCodec.class);
        // the defaults are untouched
        assertThat(CodecRegistry.defaults().decode(Oids.INT8, Format.BINARY, bytes(b -> b.writeLong(7)), Object.class)).isEqualTo(7L);
    }

    @Test
    void aUserCodecForAClassWinsOverTheBuiltInOne() {
        Codec<String> shouting = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.VARCHAR;
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
                out.writeCharSequence(value.toUpperCase(), StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                return value.toString(StandardCharsets.UTF_8).toUpperCase();
            }
        };
        CodecRegistry registry = CodecRegistry.builder().register(shouting).build();
        Encoder encoder = registry.encoder("abc");
        assertThat(encoder.oid()).isEqualTo(Oids.VARCHAR);
        assertThat(encoder.format()).isEqualTo(Format.TEXT);
        assertThat(new String(encode(encoder, "abc"), StandardCharsets.UTF_8)).isEqualTo("ABC");
        assertThat(registry.decode(Oids.VARCHAR, Format.TEXT, text("abc"), String.class)).isEqualTo("ABC");
        assertThat(CodecRegistry.defaults().encoder("abc").oid()).isEqualTo(Oids.TEXT);
    }

    private enum OrderStatus { NEW, PAID { } }

    private record NoCodecForIt() { }

    /**
     * Session 29 (NEW-USER-27 F2 refused them with the ways out): a Java enum no codec writes is sent as its name, untyped
     * text, so the server takes the statement's type (an enum column, a text one); arrays of them as an untyped text
     * array literal, which an enum[] column takes without a cast.
     */
    @Test
    void aJavaEnumNoCodecWritesIsSentAsItsNameUntyped() {
        Encoder scalar = CodecRegistry.defaults().encoder(OrderStatus.PAID); // a constant with a body: a subclass
        assertThat(scalar.oid()).isEqualTo(Oids.UNSPECIFIED);
        assertThat(scalar.format()).isEqualTo(Format.TEXT);
        assertThat(new String(encode(scalar, OrderStatus.PAID), StandardCharsets.UTF_8)).isEqualTo("PAID");
        assertThat(CodecRegistry.defaults().parameterOid(OrderStatus.class)).isEqualTo(Oids.UNSPECIFIED);
        for (Object value : new Object[] {new OrderStatus[] {OrderStatus.NEW, null, OrderStatus.PAID},
                Arrays.asList(OrderStatus.NEW, null, OrderStatus.PAID), new Object[] {OrderStatus.NEW, null, OrderStatus.PAID}}) {
            Encoder array = CodecRegistry.defaults().encoder(value);
            assertThat(array.oid()).as(value.getClass().getName()).isEqualTo(Oids.UNSPECIFIED);
            assertThat(array.format()).isEqualTo(Format.TEXT);
            assertThat(new String(encode(array, value), StandardCharsets.UTF_8)).isEqualTo("{\"NEW\",NULL,\"PAID\"}");
        }
        OrderStatus[][] grid = {{OrderStatus.NEW}, {OrderStatus.PAID}};
        assertThat(new String(encode(CodecRegistry.defaults().encoder(grid), grid), StandardCharsets.UTF_8))
                .isEqualTo("{{\"NEW\"},{\"PAID\"}}");
        assertThatThrownBy(() -> CodecRegistry.defaults().encoder(new NoCodecForIt()))
                .isInstanceOf(PgConversionException.class).hasMessageNotContaining("enum");
    }

    /**
     * Session 29: a 2-D array bound after a 1-D one of the same element class through the same registry (a connection's)
     * was refused, "no array codec for int4[] elements": the 1-D array's encoder, cached by its class, was taken for the
     * element codec of the 2-D one.
     */
    @Test
    void anArrayOfArraysIsWrittenAlsoAfterAnArrayOfItsElementClass() {
        CodecRegistry registry = CodecRegistry.builder().build();
        assertThat(registry.encoder(new int[] {1}).oid()).isEqualTo(1007);
        assertThat(registry.encoder(new String[] {"a"}).oid()).isEqualTo(1009);
        assertThat(registry.encoder(new int[][] {{1}, {2}}).oid()).isEqualTo(1007);
        assertThat(registry.encoder(new Integer[][] {{1}}).oid()).isEqualTo(1007);
        assertThat(registry.encoder(new String[][] {{"a"}}).oid()).isEqualTo(1009);
        assertThat(registry.encoder(new int[] {1}).oid()).isEqualTo(1007);
        // NEW-USER-34 F2: a typed NULL of an array class is its values' array type (it was 0, untyped)
        assertThat(registry.parameterOid(int[].class)).isEqualTo(1007);
        assertThat(registry.parameterOid(String[].class)).isEqualTo(1009);
        assertThat(registry.parameterOid(Object[].class)).as("no element class: untyped").isEqualTo(0);
        assertThat(registry.parameterOid(int[][].class)).as("several dimensions: untyped as before").isEqualTo(0);
        // REVIEW-29 R29-10: a null first sub-array is refused naming its level, not sent as a header without elements
        for (Object nulls : new Object[] {new int[][] {null, {1}}, new Integer[][] {null, null}}) {
            assertThatThrownBy(() -> encode(registry.encoder(nulls), nulls)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("null sub-array at level 2");
        }
    }

    /** A codec of its own for the enum's class wins; one for a named type not bound here refuses it, saying so. */
    @Test
    void aJavaEnumsOwnCodecWinsAndAnUnboundOneRefusesIt() {
        Codec<OrderStatus> own = new Codec<>() {
            public PgType type() { return PgType.named("order_status"); }
            public Class<OrderStatus> javaType() { return OrderStatus.class; }
            public Format format() { return Format.TEXT; }
            public void encode(OrderStatus value, ByteBuf out) { out.writeCharSequence(value.name().toLowerCase(), StandardCharsets.UTF_8); }
            public Object decode(ByteBuf value, Format format, Class<?> target) { throw new UnsupportedOperationException(); }
        };
        CodecRegistry unbound = CodecRegistry.builder().register(own).build();
        for (Object value : new Object[] {OrderStatus.NEW, new OrderStatus[] {OrderStatus.NEW}, List.of(OrderStatus.NEW)}) {
            assertThatThrownBy(() -> unbound.encoder(value)).as(value.getClass().getName())
                    .isInstanceOf(PgConversionException.class).hasMessageContaining("type order_status is not installed");
        }
        CodecRegistry bound = unbound.bind(Map.of("order_status", 70_000, "order_status[]", 70_001));
        assertThat(bound.encoder(OrderStatus.PAID).oid()).isEqualTo(70_000);
        assertThat(new String(encode(bound.encoder(OrderStatus.PAID), OrderStatus.PAID), StandardCharsets.UTF_8)).isEqualTo("paid");
        assertThat(bound.encoder(new OrderStatus[] {OrderStatus.NEW}).oid()).isEqualTo(70_001);
    }

    @Test
    void namedTypesAreUsableOnlyWhereBound() {
        CodecRegistry registry = CodecRegistry.builder().register(new LtreeCodec()).build();
        assertThat(registry.namedTypes()).containsExactlyInAnyOrder("hstore", "vector", "ltree");

        // unbound: the type is unknown, its values read as text; a parameter of its class is refused with the reason
        assertThat(registry.decode(50_000, Format.TEXT, text("a.b"), Object.class)).isEqualTo("a.b");
        assertThatThrownBy(() -> registry.encoder(new Ltree("a.b")))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("ltree is not installed");
        assertThatThrownBy(() -> registry.encoder(Map.of("k", "v")))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("hstore is not installed");

        CodecRegistry bound = registry.bind(Map.of("ltree", 50_000, "hstore", HSTORE_OID));
        assertThat(bound.boundOid("ltree")).isEqualTo(50_000);
        assertThat(bound.boundOid("vector")).isZero();
        assertThat(bound.decode(50_000, Format.TEXT, text("a.b"), Object.class)).isEqualTo(new Ltree("a.b"));
        assertThat(bound.resultFormat(50_000)).isEqualTo(Format.TEXT);
        assertThat(bound.resultFormat(HSTORE_OID)).isEqualTo(Format.BINARY);
        assertThat(bound.encoder(new Ltree("x")).oid()).isEqualTo(50_000);
        assertThat(bound.encoder(new HashMap<>(Map.of("k", "v"))).oid()).isEqualTo(HSTORE_OID);
        assertThat(bound.typeName(HSTORE_OID)).isEqualTo("hstore");
        // another connection's binding does not leak into this one
        assertThat(registry.knows(50_000)).isFalse();
        assertThat(registry.bind(Map.of("ltree", 60_000)).knows(50_000)).isFalse();
    }

    @Test
    void aFloatArrayIsAFloat4ArrayWhetherOrNotPgvectorIsInstalledAndAPgVectorIsAVector() {
        float[] v = {1f, 2.5f};
        assertThat(CodecRegistry.defaults().encoder(v).oid()).isEqualTo(Oids.FLOAT4_ARRAY);
        CodecRegistry bound = CodecRegistry.defaults().bind(Map.of("vector", VECTOR_OID, "vector[]", VECTOR_OID + 1));
        assertThat(bound.encoder(v).oid()).isEqualTo(Oids.FLOAT4_ARRAY);
        assertThat(bound.encoder(List.of(1f, 2f)).oid()).isEqualTo(Oids.FLOAT4_ARRAY);
        assertThat(bound.parameterOid(float[].class)).isNotEqualTo(VECTOR_OID);

        Encoder encoder = bound.encoder(PgVector.of(v));
        assertThat(encoder.oid()).isEqualTo(VECTOR_OID);
        byte[] bytes = encode(encoder, PgVector.of(v));
        assertThat(bound.decode(VECTOR_OID, Format.BINARY, Unpooled.wrappedBuffer(bytes))).isEqualTo(v);
        assertThat(bound.decode(VECTOR_OID, Format.BINARY, Unpooled.wrappedBuffer(bytes), PgVector.class)).isEqualTo(PgVector.of(v));
        // a float[] is written as a vector where the caller names the type
        assertThat(encode(bound.encoder(VECTOR_OID, v), v)).isEqualTo(bytes);
        assertThat(bound.encoder(new PgVector[] {PgVector.of(v)}).oid()).isEqualTo(VECTOR_OID + 1);
        assertThat(bound.encoder(List.of(PgVector.of(v))).oid()).isEqualTo(VECTOR_OID + 1);
        assertThat(bound.parameterOid(PgVector.class)).isEqualTo(VECTOR_OID);
    }

    @Test
    void aVectorReadAsStringIsPgvectorsTextAndSoIsAnArrayOfVectors() {
        CodecRegistry bound = CodecRegistry.defaults().bind(Map.of("vector", VECTOR_OID, "vector[]", VECTOR_OID + 1));
        PgVector vector = PgVector.of(1f, -2.5f, 1e-5f, 0.1f, 1234567f, -0f);
        byte[] bytes = encode(bound.encoder(vector), vector);
        // vector_out: float_to_shortest_decimal_bufn per element, as float4out prints (PostgreSQL 12+)
        String text = "[1,-2.5,1e-05,0.1,1.234567e+06,-0]";
        assertThat(bound.decode(VECTOR_OID, Format.BINARY, Unpooled.wrappedBuffer(bytes), String.class)).isEqualTo(text);
        assertThat(bound.decode(VECTOR_OID, Format.BINARY, Unpooled.wrappedBuffer(bytes), CharSequence.class)).hasToString(text);
        assertThat(bound.decode(VECTOR_OID, Format.BINARY, Unpooled.wrappedBuffer(bytes), PgVector.class)).isEqualTo(vector);

        PgVector[] vectors = {PgVector.of(1f, 2f), null, PgVector.of(3f)};
        byte[] array = encode(bound.encoder(vectors), vectors);
        // array_out quotes an element holding a comma
        assertThat(bound.decode(VECTOR_OID + 1, Format.BINARY, Unpooled.wrappedBuffer(array), String.class))
                .isEqualTo("{\"[1,2]\",NULL,[3]}");
        assertThat(bound.decode(VECTOR_OID + 1, Format.BINARY, Unpooled.wrappedBuffer(array), PgVector[].class))
                .containsExactly(vectors);
    }

    @Test
    void aPgVectorNeedsPgvectorAndChecksItsElementsWhenMade() {
        assertThatThrownBy(() -> CodecRegistry.defaults().encoder(PgVector.of(1f)))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("type vector is not installed");
        assertThatThrownBy(() -> PgVector.of()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a pgvector vector: a vector has 1 to 16000 dimensions, this one 0");
        assertThatThrownBy(() -> PgVector.of(1f, Float.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a pgvector vector: NaN and infinite elements are not allowed in a vector (element 1)");
        float[] source = {1f, 2f};
        PgVector vector = PgVector.of(source);
        source[0] = 9f;
        vector.toArray()[1] = 9f;
        assertThat(vector.toArray()).containsExactly(1f, 2f);
        assertThat(vector.dimensions()).isEqualTo(2);
        assertThat(vector).hasToString("PgVector[2 dimensions]").isEqualTo(PgVector.of(1f, 2f)).hasSameHashCodeAs(PgVector.of(1f, 2f));
    }

    @Test
    void unknownTypesReadAsTextOrRawBytes() {
        CodecRegistry registry = CodecRegistry.defaults();
        int unknown = 777_777;
        assertThat(registry.knows(unknown)).isFalse();
        assertThat(registry.resultFormat(unknown)).isEqualTo(Format.TEXT);
        assertThat(registry.typeName(unknown)).isEqualTo("type oid 777777");
        assertThat(registry.decode(unknown, Format.TEXT, text("(1,2)"), Object.class)).isEqualTo("(1,2)");
        assertThat(registry.decode(Oids.MONEY, Format.TEXT, text("$1.00"), String.class)).isEqualTo("$1.00");
        assertThat(registry.decode(unknown, Format.BINARY, bytes(b -> b.writeByte(9)), byte[].class)).isEqualTo(new byte[] {9});
        assertThatThrownBy(() -> registry.decoder(unknown, Format.BINARY, String.class))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("type oid 777777")
                .hasMessageContaining("request text format");
        // pgvector's halfvec and sparsevec have no codec: asked for as float[], the message says how they read
        assertThatThrownBy(() -> registry.decoder(unknown, Format.TEXT, float[].class))
                .isInstanceOf(PgConversionException.class)
                .hasMessage("no codec reads type oid 777777 (text format) as [F; a type without a codec (an extension's"
                        + " such as pgvector's halfvec or sparsevec, an enum) reads as String, its text: read it as String,"
                        + " or cast it in the SQL to a type pgconn reads (::vector, ::real[], ::text)");
        // a known type asked for as text without a text reader still reads as its text
        assertThat(registry.decode(Oids.DATE, Format.TEXT, text("2024-02-29"), Object.class)).isEqualTo("2024-02-29");
    }

    @Test
    void resultFormatIsBinaryForEveryBuiltInScalarAndArray() {
        for (int oid : new int[] {Oids.BOOL, Oids.INT2, Oids.INT4, Oids.INT8, Oids.FLOAT4, Oids.FLOAT8, Oids.NUMERIC,
                Oids.TEXT, Oids.VARCHAR, Oids.BPCHAR, Oids.NAME, Oids.BYTEA, Oids.UUID, Oids.DATE, Oids.TIME, Oids.TIMETZ,
                Oids.TIMESTAMP, Oids.TIMESTAMPTZ, Oids.INTERVAL, Oids.JSON, Oids.JSONB, Oids.OID, Oids.INET, Oids.CIDR,
                Oids.INT4_ARRAY, Oids.TEXT_ARRAY, Oids.JSONB_ARRAY, Oids.CIDR_ARRAY}) {
            assertThat(CodecRegistry.defaults().resultFormat(oid)).as("oid %d", oid).isEqualTo(Format.BINARY);
        }
    }

    @Test
    void parameterTypesByClass() {
        CodecRegistry r = CodecRegistry.defaults();
        assertThat(r.encoder(true).oid()).isEqualTo(Oids.BOOL);
        assertThat(r.encoder((short) 1).oid()).isEqualTo(Oids.INT2);
        assertThat(r.encoder(1).oid()).isEqualTo(Oids.INT4);
        assertThat(r.encoder(1L).oid()).isEqualTo(Oids.INT8);
        assertThat(r.encoder(1f).oid()).isEqualTo(Oids.FLOAT4);
        assertThat(r.encoder(1d).oid()).isEqualTo(Oids.FLOAT8);
        assertThat(r.encoder(BigDecimal.ONE).oid()).isEqualTo(Oids.NUMERIC);
        assertThat(r.encoder(java.math.BigInteger.ONE).oid()).isEqualTo(Oids.NUMERIC);
        assertThat(r.encoder("x").oid()).isEqualTo(Oids.TEXT);
        assertThat(r.encoder(new byte[0]).oid()).isEqualTo(Oids.BYTEA);
        assertThat(r.encoder(java.nio.ByteBuffer.allocateDirect(1)).oid()).isEqualTo(Oids.BYTEA);
        assertThat(r.encoder(java.util.UUID.randomUUID()).oid()).isEqualTo(Oids.UUID);
        assertThat(r.encoder(java.time.LocalDate.MAX).oid()).isEqualTo(Oids.DATE);
        assertThat(r.encoder(java.time.LocalTime.NOON).oid()).isEqualTo(Oids.TIME);
        assertThat(r.encoder(java.time.OffsetTime.MIN).oid()).isEqualTo(Oids.TIMETZ);
        assertThat(r.encoder(java.time.LocalDateTime.MIN).oid()).isEqualTo(Oids.TIMESTAMP);
        assertThat(r.encoder(java.time.Instant.EPOCH).oid()).isEqualTo(Oids.TIMESTAMPTZ);
        assertThat(r.encoder(java.time.ZonedDateTime.now()).oid()).isEqualTo(Oids.TIMESTAMPTZ);
        assertThat(r.encoder(java.time.OffsetDateTime.MAX).oid()).isEqualTo(Oids.TIMESTAMPTZ);
        assertThat(r.encoder(java.time.Duration.ZERO).oid()).isEqualTo(Oids.INTERVAL);
        assertThat(r.encoder(java.time.Period.ZERO).oid()).isEqualTo(Oids.INTERVAL);
        assertThat(r.encoder(PgInterval.ZERO).oid()).isEqualTo(Oids.INTERVAL);
        assertThat(r.encoder(Json.of("{}")).oid()).isEqualTo(Oids.JSONB);
        assertThat(r.encoder(java.net.InetAddress.getLoopbackAddress()).oid()).isEqualTo(Oids.INET);
        assertThat(r.encoder(new Cidr(java.net.InetAddress.getLoopbackAddress(), 8)).oid()).isEqualTo(Oids.CIDR);
        assertThat(r.encoder(new Integer[] {1, null}).oid()).isEqualTo(Oids.INT4_ARRAY);
        assertThat(r.encoder(new int[] {1}).oid()).isEqualTo(Oids.INT4_ARRAY);
        assertThat(r.encoder(new String[0]).oid()).isEqualTo(Oids.TEXT_ARRAY);
        assertThat(r.encoder(new byte[][] {{1}}).oid()).isEqualTo(Oids.BYTEA_ARRAY);
        assertThat(r.encoder(Arrays.asList(null, 2L)).oid()).isEqualTo(Oids.INT8_ARRAY);
        assertThat(r.encoder(new Object[] {"a", null}).oid()).isEqualTo(Oids.TEXT_ARRAY);
        assertThat(r.encoder(List.of(java.time.Instant.EPOCH)).oid()).isEqualTo(Oids.TIMESTAMPTZ_ARRAY);
        // typed explicitly
        assertThat(r.encoder(Oids.VARCHAR, "x").oid()).isEqualTo(Oids.VARCHAR);
        assertThat(r.encoder(Oids.JSONB, "{}").oid()).isEqualTo(Oids.JSONB);
        assertThat(r.encoder(Oids.OID, 5L).oid()).isEqualTo(Oids.OID);
        assertThat(r.encoder(Oids.INT8, 5).oid()).isEqualTo(Oids.INT8);
        assertThat(r.encoder(Oids.NUMERIC, Double.NaN).oid()).isEqualTo(Oids.NUMERIC);
    }

    @Test
    void emptyAndAllNullListsLetTheServerChooseTheArrayType() {
        Encoder empty = CodecRegistry.defaults().encoder(new ArrayList<>());
        assertThat(empty.oid()).isEqualTo(Oids.UNSPECIFIED);
        assertThat(empty.format()).isEqualTo(Format.TEXT);
        assertThat(new String(encode(empty, List.of()), StandardCharsets.US_ASCII)).isEqualTo("{}");
        List<Object> nulls = Arrays.asList(null, null);
        assertThat(new String(encode(CodecRegistry.defaults().encoder(nulls), nulls), StandardCharsets.US_ASCII))
                .isEqualTo("{NULL,NULL}");
    }

    @Test
    void parametersThatCannotBeWrittenAreRefusedWithoutTheirValue() {
        CodecRegistry r = CodecRegistry.defaults();
        assertThatThrownBy(() -> r.encoder(new Object()))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> encode(r.encoder(Oids.INT2, 70_000), 70_000))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("int2").hasMessageNotContaining("70000");
        assertThatThrownBy(() -> encode(r.encoder("a" + SECRET + "\0"), "a" + SECRET + "\0"))
                .isInstanceOf(PgConversionException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> r.encoder(List.of(List.of(1))))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("multi-dimensional");
        List<Object> mixed = Arrays.asList(1, SECRET);
        assertThatThrownBy(() -> encode(r.encoder(mixed), mixed))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("java.lang.String")
                .hasMessageNotContaining(SECRET);
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, SECRET);
        CodecRegistry bound = r.bind(Map.of("hstore", HSTORE_OID));
        assertThatThrownBy(() -> encode(bound.encoder(badKey), badKey))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("hstore").hasMessageNotContaining(SECRET);

        Codec<String> leaky = new Codec<>() {
            @Override
            public PgType type() {
                return PgType.of(90_000, "leaky");
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
                throw new IllegalStateException("cannot store " + value);
            }

            @Override
            public Object decode(ByteBuf value, Format format, Class<?> target) {
                throw new IndexOutOfBoundsException("index 9 of " + value.toString(StandardCharsets.UTF_8));
            }
        };
        CodecRegistry withLeaky = CodecRegistry.builder().register(leaky).build();
        assertThatThrownBy(() -> encode(withLeaky.encoder(SECRET), SECRET))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("IllegalStateException").hasMessageNotContaining(SECRET)
                .hasNoCause();
        assertThatThrownBy(() -> withLeaky.decode(90_000, Format.TEXT, text("x"), Object.class))
                .isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("leaky").hasMessageContaining("IndexOutOfBoundsException");
    }

    @Test
    void valuesThatDoNotFitTheRequestedClassAreConversionErrors() {
        CodecRegistry r = CodecRegistry.defaults();
        ByteBuf big = bytes(b -> b.writeLong(1L << 40));
        assertThatThrownBy(() -> r.decode(Oids.INT8, Format.BINARY, big, Integer.class))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("int8").hasMessageContaining("Integer");
        assertThat(r.decode(Oids.INT8, Format.BINARY, bytes(b -> b.writeLong(42)), int.class)).isEqualTo(42);
        assertThat(r.decode(Oids.INT2, Format.BINARY, bytes(b -> b.writeShort(-3)), Long.class)).isEqualTo(-3L);

        ByteBuf nan = numericSpecial(0xC000);
        assertThatThrownBy(() -> r.decode(Oids.NUMERIC, Format.BINARY, nan, BigDecimal.class))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("NaN").hasMessageContaining("Double");
        assertThat(r.decode(Oids.NUMERIC, Format.BINARY, numericSpecial(0xC000), Object.class)).isEqualTo(Double.NaN);
        assertThat(r.decode(Oids.NUMERIC, Format.BINARY, numericSpecial(0xD000), Double.class)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.decode(Oids.NUMERIC, Format.BINARY, numericSpecial(0xF000), Object.class)).isEqualTo(Double.NEGATIVE_INFINITY);

        // int4[] with 2 dimensions [[1],[2]]
        ByteBuf twoDims = bytes(b -> b.writeInt(2).writeInt(0).writeInt(Oids.INT4).writeInt(2).writeInt(1).writeInt(1).writeInt(1)
                .writeInt(4).writeInt(1).writeInt(4).writeInt(2));
        assertThat(r.decode(Oids.INT4_ARRAY, Format.BINARY, twoDims, Object.class)).isEqualTo(new Integer[][] {{1}, {2}});
        assertThat(r.decode(Oids.INT4_ARRAY, Format.BINARY, twoDims.resetReaderIndex(), int[][].class)).isEqualTo(new int[][] {{1}, {2}});
        assertThatThrownBy(() -> r.decode(Oids.INT4_ARRAY, Format.BINARY, twoDims.resetReaderIndex(), Integer[].class))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("2-dimensional int4[] value as Integer[]");
        ByteBuf withNull = bytes(b -> b.writeInt(1).writeInt(1).writeInt(Oids.INT4).writeInt(2).writeInt(1).writeInt(-1).writeInt(4).writeInt(7));
        assertThatThrownBy(() -> r.decode(Oids.INT4_ARRAY, Format.BINARY, withNull, int[].class))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("NULL");
        assertThat(r.decode(Oids.INT4_ARRAY, Format.BINARY, withNull.resetReaderIndex(), Integer[].class)).isEqualTo(new Integer[] {null, 7});
    }

    /** Binary values asked for as String read as the server's text output (DateStyle ISO, IntervalStyle postgres). */
    @Test
    void binaryValuesReadAsStringAreTheServersTextForm() {
        CodecRegistry r = CodecRegistry.defaults().bind(Map.of("hstore", HSTORE_OID));
        assertThat(asString(r, java.time.LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
        assertThat(asString(r, java.time.LocalDate.MAX)).isEqualTo("infinity");
        assertThat(asString(r, java.time.LocalTime.of(1, 2, 3, 450_000_000))).isEqualTo("01:02:03.45");
        assertThat(asString(r, java.time.LocalTime.MAX)).isEqualTo("24:00:00");
        assertThat(asString(r, java.time.OffsetTime.of(0, 0, 0, 0, java.time.ZoneOffset.ofHoursMinutes(-15, -59)))).isEqualTo("00:00:00-15:59");
        assertThat(asString(r, java.time.LocalDateTime.of(-99, 1, 1, 0, 0))).isEqualTo("0100-01-01 00:00:00 BC");
        assertThat(asString(r, java.time.OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 0, java.time.ZoneOffset.ofHours(2))))
                .isEqualTo("2024-02-29 10:00:00+00");
        assertThat(asString(r, new PgInterval(14, 3, 4_005_006))).isEqualTo("1 year 2 mons 3 days 00:00:04.005006");
        assertThat(asString(r, new PgInterval(-1, -2, -3_000_001))).isEqualTo("-1 mons -2 days -00:00:03.000001");
        assertThat(asString(r, new PgInterval(0, -1, 3_600_000_000L))).isEqualTo("-1 days +01:00:00");
        assertThat(asString(r, PgInterval.ZERO)).isEqualTo("00:00:00");
        assertThat(asString(r, new byte[] {1, (byte) 0xAB})).isEqualTo("\\x01ab");
        assertThat(asString(r, true)).isEqualTo("t");
        assertThat(asString(r, new Cidr(address("2001:db8::"), 32))).isEqualTo("2001:db8::/32");
        assertThat(asString(r, address("::ffff:1.2.3.4"))).isEqualTo("::ffff:1.2.3.4");
        assertThat(asString(r, address("1:0:0:2:0:0:0:3"))).isEqualTo("1:0:0:2::3");
        assertThat(asString(r, address("::"))).isEqualTo("::");
        assertThat(asString(r, Arrays.asList("a b", null, "", "NULL", "q\"", "x"))).isEqualTo("{\"a b\",NULL,\"\",\"NULL\",\"q\\\"\",x}");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("k", "v\"");
        h.put("n", null);
        assertThat(asString(r, h)).isEqualTo("\"k\"=>\"v\\\"\", \"n\"=>NULL");
        assertThat(asString(r, 1e15)).isEqualTo("1e+15");
        assertThat(asString(r, 1e14)).isEqualTo("100000000000000");
        assertThat(asString(r, 1e-5)).isEqualTo("1e-05");
        assertThat(asString(r, 0.0001)).isEqualTo("0.0001");
        assertThat(asString(r, 1e6f)).isEqualTo("1e+06");
        assertThat(asString(r, 0.1f)).isEqualTo("0.1");
        assertThat(asString(r, -0.0)).isEqualTo("-0");
    }

    private static String asString(CodecRegistry r, Object value) {
        Encoder encoder = r.encoder(value);
        return r.decode(encoder.oid(), Format.BINARY, Unpooled.wrappedBuffer(encode(encoder, value)), String.class);
    }

    private static java.net.InetAddress address(String literal) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(literal);
            if (literal.contains(":") && a.getAddress().length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
                return java.net.Inet6Address.getByAddress(null, mapped, null);
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteBuf numericSpecial(int sign) {
        return bytes(b -> b.writeShort(0).writeShort(0).writeShort(sign).writeShort(0));
    }

    /** Known bytes of numeric_send and date_send, to pin the formats beyond round trips. */
    @Test
    void wireFormatsMatchTheServers() {
        CodecRegistry r = CodecRegistry.defaults();
        // 12345.678: 3 digits [1, 2345, 6780], weight 1, positive, dscale 3
        assertThat(encode(r.encoder(new BigDecimal("12345.678")), new BigDecimal("12345.678")))
                .isEqualTo(shorts(3, 1, 0, 3, 1, 2345, 6780));
        // -0.00012: digits [1, 2000], the first at 10000^-1; dscale 5
        assertThat(encode(r.encoder(new BigDecimal("-0.00012")), new BigDecimal("-0.00012")))
                .isEqualTo(shorts(2, -1, 0x4000, 5, 1, 2000));
        assertThat(encode(r.encoder(new BigDecimal("0.00")), new BigDecimal("0.00"))).isEqualTo(shorts(0, 0, 0, 2));
        assertThat(encode(r.encoder(new BigDecimal("1E+8")), new BigDecimal("1E+8"))).isEqualTo(shorts(1, 2, 0, 0, 1));
        assertThat(r.decode(Oids.NUMERIC, Format.BINARY, Unpooled.wrappedBuffer(shorts(3, 1, 0, 3, 1, 2345, 6780)), Object.class))
                .isEqualTo(new BigDecimal("12345.678"));
        assertThat(encode(r.encoder(java.time.LocalDate.of(2000, 1, 2)), java.time.LocalDate.of(2000, 1, 2)))
                .isEqualTo(new byte[] {0, 0, 0, 1});
        assertThat(r.decode(Oids.NUMERIC, Format.TEXT, text("-1.50"), Object.class)).isEqualTo(new BigDecimal("-1.50"));
        assertThat(r.decode(Oids.BOOL, Format.TEXT, text("t"), Object.class)).isEqualTo(true);
        assertThat(r.decode(Oids.BYTEA, Format.TEXT, text("\\x0aff"), byte[].class)).isEqualTo(new byte[] {10, -1});
        assertThat(r.decode(Oids.BYTEA, Format.TEXT, text("a\\\\\\001"), byte[].class)).isEqualTo(new byte[] {'a', '\\', 1});
        assertThat(r.decode(Oids.INT4, Format.TEXT, text("-17"), Object.class)).isEqualTo(-17);
        assertThat(r.decode(Oids.FLOAT8, Format.TEXT, text("-Infinity"), Object.class)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    private static byte[] shorts(int... values) {
        ByteBuf b = Unpooled.buffer();
        for (int v : values) {
            b.writeShort(v);
        }
        return ByteBufUtil.getBytes(b);
    }

    private static ByteBuf bytes(Function<ByteBuf, ByteBuf> writer) {
        return writer.apply(Unpooled.buffer());
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /**
     * Session 21: an unpaired surrogate was written as '?' by every String path (Netty's and the JDK's UTF-8
     * encoders replace it), so the value was stored changed; an hstore or json NUL reached the server, whose
     * 22021 refusal quotes the bytes. All are refused here, the value never shown, in both encode forms.
     */
    @Test
    void textThatUtf8OrPostgresCannotHoldIsRefusedInEveryTextCodecWithoutTheValue() {
        CodecRegistry r = CodecRegistry.defaults().bind(Map.of("hstore", HSTORE_OID));
        String lone = SECRET + "\uD800" + SECRET;
        String reversed = SECRET + "\uDC00\uD800";
        for (String bad : List.of(lone, reversed, SECRET + "\uD83D")) {
            assertThatThrownBy(() -> encode(r.encoder(bad), bad)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageNotContaining(SECRET);
            assertThatThrownBy(() -> r.encoder(bad).encode(bad)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageNotContaining(SECRET);
        }
        String[] array = {"ok", lone};
        assertThatThrownBy(() -> r.encoder(array).encode(array)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("unpaired UTF-16 surrogate").hasMessageNotContaining(SECRET);
        for (Map<String, String> map : List.of(Map.of("k", SECRET + "\0"), Map.of(lone, "v"), Map.of("k", lone))) {
            assertThatThrownBy(() -> r.encoder(map).encode(map)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("hstore").hasMessageNotContaining(SECRET);
        }
        for (Object json : List.of(Json.of("{\"k\": \"" + SECRET + "\0\"}"), Json.of("\"" + lone + "\""))) {
            assertThatThrownBy(() -> r.encoder(Oids.JSONB, json).encode(json)).isInstanceOf(PgConversionException.class)
                    .hasMessageNotContaining(SECRET);
        }
        String pair = "smile \uD83D\uDE00";
        assertThat(new String(r.encoder(pair).encode(pair), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(pair);
        assertThat(r.encoder(Map.of("k", pair)).encode(Map.of("k", pair))).isNotEmpty();
    }

    private static byte[] encode(Encoder encoder, Object value) {
        ByteBuf out = Unpooled.buffer();
        encoder.encode(value, out);
        return ByteBufUtil.getBytes(out);
    }

    /**
     * The class a column's values read as by default, said before a row is read (R2DBC's ColumnMetadata.getJavaType(),
     * NEW-USER-27 F4): the codec's class, an array's element class as an array, a supertype where values vary, a
     * user codec's class for its bound type, text for a type without a codec. Checked against read values in the
     * type matrix (TypeMatrix14IT/18IT).
     */
    @Test
    void javaTypeIsTheClassOfWhatAReadAsObjectGives() {
        CodecRegistry registry = CodecRegistry.builder().register(new LtreeCodec()).build()
                .bind(Map.of("ltree", 50_000, "hstore", HSTORE_OID, "hstore[]", HSTORE_OID + 1));
        assertThat(registry.javaType(Oids.INT4, Format.BINARY)).isEqualTo(Integer.class);
        assertThat(registry.javaType(Oids.INTERVAL, Format.BINARY)).isEqualTo(PgInterval.class);
        assertThat(registry.javaType(Oids.NUMERIC, Format.BINARY)).isEqualTo(Number.class);
        assertThat(registry.javaType(Oids.INT4_ARRAY, Format.BINARY)).isEqualTo(Integer[].class);
        assertThat(registry.javaType(Oids.TEXT_ARRAY, Format.BINARY)).isEqualTo(String[].class);
        assertThat(registry.javaType(Oids.NUMERIC_ARRAY, Format.BINARY)).isEqualTo(Object[].class);
        assertThat(registry.javaType(Oids.INET, Format.BINARY)).as("InetAddress or Cidr").isEqualTo(Object.class);
        assertThat(registry.javaType(Oids.CIDR, Format.BINARY)).isEqualTo(Cidr.class);
        assertThat(registry.javaType(HSTORE_OID, Format.BINARY)).isEqualTo(Map.class);
        assertThat(registry.javaType(HSTORE_OID + 1, Format.BINARY)).isEqualTo(Map[].class);
        assertThat(registry.javaType(50_000, Format.TEXT)).isEqualTo(Ltree.class);
        assertThat(registry.javaType(70_000, Format.TEXT)).as("a type without a codec: its text").isEqualTo(String.class);
    }
}
