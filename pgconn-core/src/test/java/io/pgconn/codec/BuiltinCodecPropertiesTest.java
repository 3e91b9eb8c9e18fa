package io.pgconn.codec;

import io.pgconn.PgProtocolException;
import io.pgconn.testing.LeakDetectionExtension;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every binary codec: what it writes it reads back unchanged, and whatever bytes it is handed it either
 * reads into a value of the requested class or refuses with pgconn's exception — never an
 * IndexOutOfBounds, NPE or any other RuntimeException. Codecs are called directly here, without the
 * registry's safety net, and every buffer is checked to be released.
 */
class BuiltinCodecPropertiesTest {

    static final int HSTORE_OID = 91_001;
    static final int VECTOR_OID = 91_002;
    static final CodecRegistry REGISTRY = CodecRegistry.defaults().bind(Map.of("hstore", HSTORE_OID, "vector", VECTOR_OID));

    /** Every type with a binary codec, scalar and array. */
    static final List<Integer> BINARY_OIDS = List.of(Oids.BOOL, Oids.INT2, Oids.INT4, Oids.INT8, Oids.FLOAT4, Oids.FLOAT8,
            Oids.NUMERIC, Oids.TEXT, Oids.VARCHAR, Oids.BPCHAR, Oids.NAME, Oids.BYTEA, Oids.UUID, Oids.DATE, Oids.TIME,
            Oids.TIMETZ, Oids.TIMESTAMP, Oids.TIMESTAMPTZ, Oids.INTERVAL, Oids.JSON, Oids.JSONB, Oids.OID, Oids.INET,
            Oids.CIDR, HSTORE_OID, VECTOR_OID,
            Oids.BOOL_ARRAY, Oids.INT2_ARRAY, Oids.INT4_ARRAY, Oids.INT8_ARRAY, Oids.FLOAT4_ARRAY, Oids.FLOAT8_ARRAY,
            Oids.NUMERIC_ARRAY, Oids.TEXT_ARRAY, Oids.VARCHAR_ARRAY, Oids.BPCHAR_ARRAY, Oids.NAME_ARRAY, Oids.BYTEA_ARRAY,
            Oids.UUID_ARRAY, Oids.DATE_ARRAY, Oids.TIME_ARRAY, Oids.TIMETZ_ARRAY, Oids.TIMESTAMP_ARRAY,
            Oids.TIMESTAMPTZ_ARRAY, Oids.INTERVAL_ARRAY, Oids.JSON_ARRAY, Oids.JSONB_ARRAY, Oids.OID_ARRAY,
            Oids.INET_ARRAY, Oids.CIDR_ARRAY);

    @AfterContainer
    static void noLeaks() {
        LeakDetectionExtension.assertNoLeaks(BuiltinCodecPropertiesTest.class.getSimpleName());
    }

    // ---------------------------------------------------------------- encode → decode is identity

    @Property
    void bool(@ForAll boolean value) {
        assertRoundTrip(value, Oids.BOOL);
    }

    @Property
    void int2(@ForAll short value) {
        assertRoundTrip(value, Oids.INT2);
    }

    @Property
    void int4(@ForAll int value) {
        assertRoundTrip(value, Oids.INT4);
    }

    @Property
    void int8(@ForAll long value) {
        assertRoundTrip(value, Oids.INT8);
    }

    @Property
    void float4(@ForAll("floats") Float value) {
        assertRoundTrip(value, Oids.FLOAT4);
    }

    @Property
    void float8(@ForAll("doubles") Double value) {
        assertRoundTrip(value, Oids.FLOAT8);
    }

    @Property
    void numeric(@ForAll("decimals") BigDecimal value) {
        assertRoundTrip(value, Oids.NUMERIC);
    }

    /**
     * Any numeric_send header and digits the server may send (also a dscale below the digits' places,
     * which numeric_recv cuts, and weights far from the point) read as the value computed from the
     * format's definition: Σ digit·10000^(weight − i), cut to dscale decimals.
     */
    @Property
    void numericFromAnyHeader(@ForAll @Size(max = 6) List<@IntRange(min = 0, max = 9999) Integer> digits,
                              @ForAll @IntRange(min = -12, max = 12) int weight, @ForAll @IntRange(min = 0, max = 40) int dscale,
                              @ForAll boolean negative) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 * digits.size());
        b.putShort((short) digits.size()).putShort((short) weight).putShort((short) (negative ? 0x4000 : 0)).putShort((short) dscale);
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 0; i < digits.size(); i++) {
            b.putShort((short) (int) digits.get(i));
            expected = expected.add(BigDecimal.valueOf(digits.get(i)).scaleByPowerOfTen(4 * (weight - i)));
        }
        expected = (negative ? expected.negate() : expected).setScale(dscale, java.math.RoundingMode.DOWN);
        assertThat(decode(Oids.NUMERIC, b.array(), BigDecimal.class)).isEqualTo(expected);
    }

    /** NaN and ±Infinity go as the numeric specials when typed numeric, and come back as Double. */
    @Property
    void numericSpecials(@ForAll("doubles") Double value) {
        Encoder encoder = REGISTRY.encoder(Oids.NUMERIC, value);
        Object back = decode(Oids.NUMERIC, Buffers.encode(encoder, value), Double.class);
        if (value.isNaN() || value.isInfinite()) {
            assertThat(back).isEqualTo(value);
        } else {
            assertThat((Double) back).isEqualTo(new BigDecimal(value.toString()).doubleValue());
        }
    }

    @Property
    void text(@ForAll("texts") String value) {
        assertRoundTrip(value, Oids.TEXT);
        for (int oid : new int[] {Oids.VARCHAR, Oids.BPCHAR, Oids.NAME, Oids.JSON, Oids.JSONB}) {
            Encoder typed = REGISTRY.encoder(oid, value);
            assertThat(decode(oid, Buffers.encode(typed, value), Object.class)).isEqualTo(value);
        }
    }

    @Property
    void bytea(@ForAll @Size(max = 300) byte[] value) {
        assertRoundTrip(value, Oids.BYTEA);
        ByteBuffer buffer = ByteBuffer.wrap(value);
        Encoder encoder = REGISTRY.encoder(buffer);
        assertThat(encoder.oid()).isEqualTo(Oids.BYTEA);
        assertThat(decode(Oids.BYTEA, Buffers.encode(encoder, buffer), ByteBuffer.class)).isEqualTo(buffer);
        assertThat(buffer.position()).as("the parameter's position is left alone").isZero();
    }

    @Property
    void uuid(@ForAll("uuids") UUID value) {
        assertRoundTrip(value, Oids.UUID);
    }

    @Property
    void date(@ForAll("dates") LocalDate value) {
        assertRoundTrip(value, Oids.DATE);
    }

    @Property
    void time(@ForAll("times") LocalTime value) {
        assertRoundTrip(value, Oids.TIME);
    }

    @Property
    void timetz(@ForAll("timetzs") OffsetTime value) {
        assertRoundTrip(value, Oids.TIMETZ);
    }

    @Property
    void timestamp(@ForAll("timestamps") LocalDateTime value) {
        assertRoundTrip(value, Oids.TIMESTAMP);
    }

    @Property
    void timestamptz(@ForAll("timestamptzs") OffsetDateTime value, @ForAll("instants") Instant instant) {
        assertRoundTrip(value, Oids.TIMESTAMPTZ);
        Encoder encoder = REGISTRY.encoder(instant);
        assertThat(encoder.oid()).isEqualTo(Oids.TIMESTAMPTZ);
        assertThat(decode(Oids.TIMESTAMPTZ, Buffers.encode(encoder, instant), Instant.class)).isEqualTo(instant);
    }

    @Property
    void interval(@ForAll("intervals") PgInterval value,
                  @ForAll @LongRange(min = -9_000_000_000_000L, max = 9_000_000_000_000L) long seconds,
                  @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        assertRoundTrip(value, Oids.INTERVAL);
        Duration duration = Duration.ofSeconds(seconds, nanos);
        Encoder encoder = REGISTRY.encoder(duration);
        assertThat(encoder.oid()).isEqualTo(Oids.INTERVAL);
        assertThat(decode(Oids.INTERVAL, Buffers.encode(encoder, duration), Duration.class))
                .as("rounded to microseconds").isEqualTo(Duration.ofSeconds(seconds).plusNanos((nanos + 500L) / 1000 * 1000));
    }

    @Property
    void json(@ForAll("jsons") Json value) {
        Encoder encoder = REGISTRY.encoder(value);
        assertThat(encoder.oid()).isEqualTo(Oids.JSONB);
        byte[] bytes = Buffers.encode(encoder, value);
        assertThat(bytes[0]).as("jsonb version").isEqualTo((byte) 1);
        assertThat(decode(Oids.JSONB, bytes, Json.class)).isEqualTo(value);
        assertThat(decode(Oids.JSONB, bytes, Object.class)).isEqualTo(value.text());
        Encoder json = REGISTRY.encoder(Oids.JSON, value);
        assertThat(decode(Oids.JSON, Buffers.encode(json, value), String.class)).isEqualTo(value.text());
    }

    @Property
    void oid(@ForAll("oids32") Long value) {
        Encoder encoder = REGISTRY.encoder(Oids.OID, value);
        assertThat(decode(Oids.OID, Buffers.encode(encoder, value), Object.class)).isEqualTo(value);
    }

    @Property
    void inet(@ForAll("inetAddresses") InetAddress address, @ForAll("networks") Cidr network) {
        assertRoundTrip(address, Oids.INET);
        assertRoundTrip(network, Oids.CIDR);
        Encoder asInet = REGISTRY.encoder(Oids.INET, network);
        Object back = decode(Oids.INET, Buffers.encode(asInet, network), Object.class);
        assertThat(back).isEqualTo(network.prefixLength() == network.addressBits() ? network.address() : network);
    }

    @Property
    void hstore(@ForAll("hstores") Map<String, String> value) {
        assertRoundTrip(value, HSTORE_OID);
    }

    @Property
    void vector(@ForAll("vectors") float[] value) {
        PgVector vector = PgVector.of(value);
        Encoder encoder = REGISTRY.encoder(vector);
        assertThat(encoder.oid()).isEqualTo(VECTOR_OID);
        byte[] bytes = Buffers.encode(encoder, vector);
        assertThat(decode(VECTOR_OID, bytes, PgVector.class)).isEqualTo(vector);
        assertThat(decode(VECTOR_OID, bytes, Object.class)).isEqualTo(value);
        assertThat(Buffers.encode(REGISTRY.encoder(VECTOR_OID, value), value)).isEqualTo(bytes);
    }

    /** One-dimensional arrays of every scalar type, with NULLs, as List, as X[] and as Object. */
    @Property(tries = 400)
    void arrays(@ForAll("arrayCases") Tuple2<Integer, List<Object>> c) {
        int elementOid = c.get1();
        List<Object> list = c.get2();
        Object first = list.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
        Statistics.collect(first == null ? "no element" : "elements");
        int arrayOid = REGISTRY.decoder(elementOid, Format.BINARY, Object.class).codec().type().arrayOid();
        Encoder arrays = REGISTRY.encoder(arrayOid, list);
        byte[] bytes = Buffers.encode(arrays, list);
        assertThat(((List<?>) decode(arrayOid, bytes, List.class)).toArray()).isEqualTo(list.toArray());
        Object asObject = decode(arrayOid, bytes, Object.class);
        assertThat(asObject).isInstanceOf(Object[].class);
        assertThat((Object[]) asObject).isEqualTo(list.toArray());
        Class<?> component = first == null ? null : REGISTRY.encoder(first).codec().javaType();
        if (first != null && REGISTRY.encoder(first).oid() == elementOid
                && list.stream().allMatch(e -> e == null || e.getClass() == first.getClass())) {
            // chosen by the registry from the first element's class
            Encoder byClass = REGISTRY.encoder(list);
            assertThat(byClass.oid()).isEqualTo(arrayOid);
            assertThat(Buffers.encode(byClass, list)).isEqualTo(bytes);
            Object[] typed = list.toArray((Object[]) java.lang.reflect.Array.newInstance(component, 0));
            assertThat((Object[]) decode(arrayOid, Buffers.encode(REGISTRY.encoder(typed), typed), typed.getClass()))
                    .isEqualTo(typed);
        }
    }

    @Property
    void primitiveArrays(@ForAll int[] ints, @ForAll long[] longs, @ForAll("doubleArrays") double[] doubles) {
        assertRoundTrip(ints, Oids.INT4_ARRAY);
        assertRoundTrip(longs, Oids.INT8_ARRAY);
        assertRoundTrip(doubles, Oids.FLOAT8_ARRAY);
    }

    // ---------------------------------------------------------------- any bytes: a value or pgconn's exception

    @Property(tries = 3000)
    void randomBytes(@ForAll("binaryOids") int oid, @ForAll @Size(max = 80) byte[] bytes) {
        assertValueOrProtocolError(oid, bytes);
    }

    /** Valid values with bytes changed, cut or added: reaches the checks past each header. */
    @Property(tries = 3000)
    void mutatedValues(@ForAll("validEncodings") Tuple2<Integer, byte[]> valid,
                       @ForAll @Size(max = 4) List<Integer> positions, @ForAll @Size(min = 4, max = 4) List<Byte> values,
                       @ForAll("lengthChanges") int lengthChange) {
        byte[] bytes = valid.get2().clone();
        for (int i = 0; i < positions.size() && bytes.length > 0; i++) {
            bytes[Math.floorMod(positions.get(i), bytes.length)] = values.get(i);
        }
        int length = Math.max(0, bytes.length + lengthChange);
        assertValueOrProtocolError(valid.get1(), java.util.Arrays.copyOf(bytes, length));
    }

    private static void assertValueOrProtocolError(int oid, byte[] bytes) {
        for (Class<?> target : List.of(Object.class, String.class, List.class)) {
            Codec<?> codec = codecReading(oid, target);
            if (codec == null) {
                continue;
            }
            Decoder decoder = REGISTRY.decoder(oid, Format.BINARY, target);
            try {
                Object value = Buffers.decode(codec, bytes, Format.BINARY, target);
                assertThat(value).isInstanceOf(target);
                assertThat(Buffers.byContent(Buffers.decodeArray(decoder, bytes))).as("read from a row's array").isEqualTo(Buffers.byContent(value));
                Statistics.label("outcome").collect("value");
            } catch (PgProtocolException e) {
                assertThat(e.getMessage()).contains(codec.type().name());
                assertThatThrownBy(() -> Buffers.decodeArray(decoder, bytes)).as("read from a row's array")
                        .isInstanceOf(PgProtocolException.class).hasMessage(e.getMessage());
                Statistics.label("outcome").collect("protocol error");
            } catch (PgConversionException e) {
                // valid bytes that do not fit the class: only a multi-dimensional array read as one dimension
                assertThat(e.getMessage()).contains("-dimensional");
                Statistics.label("outcome").collect("conversion error");
            }
        }
    }

    private static Codec<?> codecReading(int oid, Class<?> target) {
        try {
            return REGISTRY.decoder(oid, Format.BINARY, target).codec();
        } catch (PgConversionException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- text format

    /** Types read in text too (results of the simple protocol, or text requested): the text form reads as the binary one. */
    @Property
    void textFormReadsAsTheBinaryForm(@ForAll int i, @ForAll long l, @ForAll short s, @ForAll boolean b,
                                      @ForAll("decimals") BigDecimal d, @ForAll("uuids") UUID u, @ForAll("doubles") Double f,
                                      @ForAll("texts") String t) {
        assertText(Oids.INT4, Integer.toString(i), i);
        assertText(Oids.INT8, Long.toString(l), l);
        assertText(Oids.INT2, Short.toString(s), s);
        assertText(Oids.BOOL, b ? "t" : "f", b);
        assertText(Oids.NUMERIC, d.toPlainString(), d);
        assertText(Oids.UUID, u.toString(), u);
        assertText(Oids.FLOAT8, f.isNaN() ? "NaN" : f.toString(), f);
        assertText(Oids.TEXT, t, t);
        assertText(Oids.JSONB, t, t);
        assertText(Oids.OID, Long.toString(Integer.toUnsignedLong(i)), Integer.toUnsignedLong(i));
    }

    @Property
    void byteaTextFormsReadAsTheBytes(@ForAll @Size(max = 100) byte[] bytes) {
        StringBuilder hex = new StringBuilder("\\x");
        StringBuilder escape = new StringBuilder();
        for (byte x : bytes) {
            hex.append(String.format("%02x", x & 0xFF));
            int v = x & 0xFF;
            escape.append(v == '\\' ? "\\\\" : v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : String.format("\\%03o", v));
        }
        assertText(Oids.BYTEA, hex.toString(), bytes);
        assertText(Oids.BYTEA, escape.toString(), bytes);
    }

    @Property(tries = 3000)
    void randomText(@ForAll("textOids") int oid, @ForAll("texts") String text) {
        Codec<?> codec = REGISTRY.decoder(oid, Format.TEXT, Object.class).codec();
        try {
            Object value = Buffers.decode(codec, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Format.TEXT, Object.class);
            assertThat(value).isNotNull();
            Statistics.collect("value");
        } catch (PgProtocolException e) {
            assertThat(e.getMessage()).contains(codec.type().name());
            Statistics.collect("protocol error");
        }
    }

    private static void assertText(int oid, String text, Object expected) {
        io.pgconn.codec.Decoder decoder = REGISTRY.decoder(oid, Format.TEXT, Object.class);
        assertThat(decoder.codec().type().oid()).as("a text reader for oid %d", oid).isEqualTo(oid);
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Object read = Buffers.decode(decoder.codec(), bytes, Format.TEXT, Object.class);
        assertThat(read).isEqualTo(expected);
        assertThat(Buffers.decodeArray(decoder, bytes)).as("read from a row's array").isEqualTo(expected);
    }

    @Provide
    Arbitrary<Integer> textOids() {
        return Arbitraries.of(Oids.BOOL, Oids.INT2, Oids.INT4, Oids.INT8, Oids.FLOAT4, Oids.FLOAT8, Oids.NUMERIC, Oids.TEXT,
                Oids.BYTEA, Oids.UUID, Oids.JSON, Oids.JSONB, Oids.OID);
    }

    // ---------------------------------------------------------------- helpers

    /** Encodes by the value's class, checks the chosen type, and reads it back as Object and as its class. */
    private static void assertRoundTrip(Object value, int oid) {
        Encoder encoder = REGISTRY.encoder(value);
        assertThat(encoder.oid()).as("parameter type of a %s", value.getClass().getSimpleName()).isEqualTo(oid);
        assertThat(encoder.format()).isEqualTo(Format.BINARY);
        byte[] bytes = Buffers.encode(encoder, value);
        Class<?> declared = value.getClass().isArray() ? value.getClass() : encoder.codec().javaType();
        assertThat(decode(oid, bytes, declared)).isEqualTo(value);
        if (!value.getClass().isArray()) {
            assertThat(decode(oid, bytes, Object.class)).isEqualTo(value);
        }
    }

    private static Object decode(int oid, byte[] bytes, Class<?> target) {
        io.pgconn.codec.Decoder decoder = REGISTRY.decoder(oid, Format.BINARY, target);
        Object value = Buffers.decode(decoder.codec(), bytes, Format.BINARY, decoder.target());
        assertThat(Buffers.byContent(Buffers.decodeArray(decoder, bytes))).as("read from a row's array").isEqualTo(Buffers.byContent(value));
        return value;
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Float> floats() {
        return Values.floats();
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Values.doubles();
    }

    @Provide
    Arbitrary<double[]> doubleArrays() {
        return Values.doubles().array(double[].class).ofMaxSize(20);
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Values.decimals();
    }

    @Provide
    Arbitrary<String> texts() {
        return Values.texts();
    }

    @Provide
    Arbitrary<UUID> uuids() {
        return Values.uuids();
    }

    @Provide
    Arbitrary<LocalDate> dates() {
        return Values.dates();
    }

    @Provide
    Arbitrary<LocalTime> times() {
        return Values.times();
    }

    @Provide
    Arbitrary<OffsetTime> timetzs() {
        return Values.timetzs();
    }

    @Provide
    Arbitrary<LocalDateTime> timestamps() {
        return Values.timestamps();
    }

    @Provide
    Arbitrary<OffsetDateTime> timestamptzs() {
        return Values.timestamptzs();
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Values.instants();
    }

    @Provide
    Arbitrary<PgInterval> intervals() {
        return Values.intervals();
    }

    @Provide
    Arbitrary<Json> jsons() {
        return Values.jsons();
    }

    @Provide
    Arbitrary<Long> oids32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    @Provide
    Arbitrary<InetAddress> inetAddresses() {
        return Values.inetAddresses();
    }

    @Provide
    Arbitrary<Cidr> networks() {
        return Values.networks();
    }

    @Provide
    Arbitrary<Map<String, String>> hstores() {
        return Arbitraries.maps(Values.texts(), Values.texts().injectNull(0.2)).ofMaxSize(10);
    }

    @Provide
    Arbitrary<float[]> vectors() {
        return Values.vectors();
    }

    @Provide
    Arbitrary<Integer> binaryOids() {
        return Arbitraries.of(BINARY_OIDS);
    }

    @Provide
    Arbitrary<Integer> lengthChanges() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(-6, 6));
    }

    /** (element type oid, values of that type with NULLs). */
    @Provide
    Arbitrary<Tuple2<Integer, List<Object>>> arrayCases() {
        List<Arbitrary<Tuple2<Integer, List<Object>>>> cases = new ArrayList<>();
        scalars().forEach((oid, values) -> cases.add(
                values.injectNull(0.2).list().ofMaxSize(8).map(list -> Tuple.of(oid, list))));
        return Arbitraries.oneOf(cases);
    }

    /** (oid, bytes of a valid value of that type), scalars and arrays. */
    @Provide
    Arbitrary<Tuple2<Integer, byte[]>> validEncodings() {
        List<Arbitrary<Tuple2<Integer, byte[]>>> cases = new ArrayList<>();
        scalars().forEach((oid, values) -> {
            cases.add(values.map(v -> Tuple.of(oid, Buffers.encode(REGISTRY.encoder(oid, v), v))));
            int arrayOid = REGISTRY.decoder(oid, Format.BINARY, Object.class).codec().type().arrayOid();
            if (arrayOid != 0) {
                cases.add(values.injectNull(0.2).list().ofMaxSize(5)
                        .map(list -> Tuple.of(arrayOid, Buffers.encode(REGISTRY.encoder(arrayOid, list), list))));
            }
        });
        cases.add(hstores().map(m -> Tuple.of(HSTORE_OID, Buffers.encode(REGISTRY.encoder(m), m))));
        cases.add(vectors().map(v -> Tuple.of(VECTOR_OID, Buffers.encode(REGISTRY.encoder(PgVector.of(v)), PgVector.of(v)))));
        return Arbitraries.oneOf(cases);
    }

    /** Values of each scalar type, by type OID, in the classes the type's codec reads by default. */
    private static Map<Integer, Arbitrary<Object>> scalars() {
        Map<Integer, Arbitrary<Object>> m = new java.util.LinkedHashMap<>();
        m.put(Oids.BOOL, Arbitraries.of(true, false).map(Object.class::cast));
        m.put(Oids.INT2, Arbitraries.shorts().map(Object.class::cast));
        m.put(Oids.INT4, Arbitraries.integers().map(Object.class::cast));
        m.put(Oids.INT8, Arbitraries.longs().map(Object.class::cast));
        m.put(Oids.FLOAT4, Values.floats().map(Object.class::cast));
        m.put(Oids.FLOAT8, Values.doubles().map(Object.class::cast));
        m.put(Oids.NUMERIC, Values.decimals().map(Object.class::cast));
        m.put(Oids.TEXT, Values.texts().map(Object.class::cast));
        m.put(Oids.VARCHAR, Values.texts().map(Object.class::cast));
        m.put(Oids.BPCHAR, Values.texts().map(Object.class::cast));
        m.put(Oids.NAME, Values.texts().map(Object.class::cast));
        m.put(Oids.BYTEA, Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(Object.class::cast));
        m.put(Oids.UUID, Values.uuids().map(Object.class::cast));
        m.put(Oids.DATE, Values.dates().map(Object.class::cast));
        m.put(Oids.TIME, Values.times().map(Object.class::cast));
        m.put(Oids.TIMETZ, Values.timetzs().map(Object.class::cast));
        m.put(Oids.TIMESTAMP, Values.timestamps().map(Object.class::cast));
        m.put(Oids.TIMESTAMPTZ, Values.timestamptzs().map(Object.class::cast));
        m.put(Oids.INTERVAL, Values.intervals().map(Object.class::cast));
        m.put(Oids.JSON, Values.jsons().map(j -> (Object) j.text()));
        m.put(Oids.JSONB, Values.jsons().map(j -> (Object) j.text()));
        m.put(Oids.OID, Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(Object.class::cast));
        m.put(Oids.INET, Values.inetAddresses().map(Object.class::cast));
        m.put(Oids.CIDR, Values.networks().map(Object.class::cast));
        return m;
    }
}
