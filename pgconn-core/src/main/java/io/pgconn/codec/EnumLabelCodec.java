package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/**
 * A Java {@code enum} no codec writes, sent as its {@link Enum#name()} in text with an unspecified type — the server
 * takes the type from the statement, as for a {@code String}: a PostgreSQL enum column or parameter reads the label
 * (a label it does not have is its error, 22P02, naming the value), a {@code text} one the text. Arrays of them
 * ({@code Mood[]}, {@code List<Mood>}, rectangular {@code Mood[][]}) go the same way as an untyped text array literal
 * ({@code {"HAPPY",NULL}}), which an {@code enum[]} column or {@code = ANY($1)} against an enum takes without a cast
 * (a polymorphic function such as {@code unnest($1)} cannot infer a type for it: cast there, {@code $1::mood[]}).
 *
 * <p>Why: Spring Data writes an enum's name, but a {@code List<Mood>} property reaches the driver as a
 * {@code String[]} — a {@code text[]}, which an {@code enum[]} column refuses (42804) — and an application moved from
 * r2dbc-postgresql hands the enum itself ({@code EnumWriteSupport}); pgjdbc and r2dbc-postgresql refuse an enum
 * without a registered codec. A user's codec for the enum's class, or for its PostgreSQL type by name, comes first
 * (CodecRegistry's lookup order); where a named codec writes the class but its type is not bound, the parameter is
 * refused saying so, not sent by name. Never reads.
 */
final class EnumLabelCodec extends WriteOnlyTextCodec<Enum<?>> {

    static final EnumLabelCodec INSTANCE = new EnumLabelCodec();

    /** The scalar's encoder: untyped text. */
    static final Encoder ENCODER = new Encoder(INSTANCE, Oids.UNSPECIFIED, Format.TEXT);

    /** Arrays of them: an untyped text array literal. */
    static final Encoder ARRAY_ENCODER = new Encoder(new TextArrayCodec(PgType.of(Oids.UNKNOWN, "enum label[]"),
            Oids.UNSPECIFIED, new Codec<?>[] {INSTANCE}), Oids.UNSPECIFIED, Format.TEXT);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private EnumLabelCodec() {
        super(PgType.of(Oids.UNKNOWN, "enum label"), (Class) Enum.class, "an enum label is only written");
    }

    @Override
    public void encode(Enum<?> value, ByteBuf out) {
        SendableText.writeUtf8(out, value.name());
    }
}
