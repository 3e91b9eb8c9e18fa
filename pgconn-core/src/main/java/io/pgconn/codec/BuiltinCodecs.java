package io.pgconn.codec;


/**
 * The built-in codecs. For a Java class, the codec registered last is its default parameter type:
 * {@code String} is {@code text} (varchar, bpchar, name, json and jsonb take a {@code String} only when
 * the parameter is typed), {@code BigDecimal} and {@code BigInteger} are {@code numeric},
 * {@code OffsetDateTime}, {@code Instant} and {@code ZonedDateTime} are {@code timestamptz}, a
 * {@code float[]} is a {@code float4[]} (a {@code vector} only when bound as {@link PgVector}), and so on.
 * For a type OID, the codec registered last decides what {@code Object} reads as.
 */
final class BuiltinCodecs {

    private BuiltinCodecs() {
    }

    public static void registerAll(CodecRegistry.Builder builder) {
        builder.register(new BoolCodec())
                .register(IntegerCodec.int2())
                .register(IntegerCodec.int4())
                .register(IntegerCodec.int8())
                .register(FloatCodec.float4())
                .register(FloatCodec.float8())
                .register(NumericCodec.bigInteger())
                .register(NumericCodec.bigDecimal())
                .registerExplicit(new TextCodec(PgType.VARCHAR))
                .registerExplicit(new TextCodec(PgType.BPCHAR))
                .registerExplicit(new TextCodec(PgType.NAME))
                .register(new TextCodec(PgType.TEXT))
                .register(ByteaCodec.byteBuffer())
                .register(ByteaCodec.bytes())
                .register(new UuidCodec())
                .register(new DateCodec())
                .register(new TimeCodec())
                .register(new TimetzCodec())
                .register(new TimestampCodec())
                .register(TimestamptzCodec.zonedDateTime())
                .register(TimestamptzCodec.instant())
                .register(TimestamptzCodec.offsetDateTime())
                .register(IntervalCodec.period())
                .register(IntervalCodec.duration())
                .register(IntervalCodec.pgInterval())
                .registerExplicit(JsonCodec.jsonFromJson())
                .registerExplicit(JsonCodec.json())
                .register(JsonCodec.jsonbFromJson())
                .registerExplicit(JsonCodec.jsonb())
                .registerExplicit(new OidCodec())
                .register(InetCodec.cidr())
                .register(InetCodec.inet())
                .register(new HstoreCodec())
                .register(VectorCodec.wrapped())
                .registerExplicit(VectorCodec.floats());
    }
}
