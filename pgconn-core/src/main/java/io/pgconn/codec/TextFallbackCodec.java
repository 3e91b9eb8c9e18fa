package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Any type's text form as a {@code String}: what a type without a codec (or a codec's type asked for
 * as text) reads as. The connection's client_encoding is UTF8.
 */
final class TextFallbackCodec implements Codec<String> {

    public static final TextFallbackCodec INSTANCE = new TextFallbackCodec();

    private static final PgType TYPE = PgType.of(Oids.UNKNOWN, "unknown");

    private TextFallbackCodec() {
    }

    @Override
    public PgType type() {
        return TYPE;
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
    public boolean decodes(Format format, Class<?> target) {
        return format == Format.TEXT && (target == String.class || target == Object.class || target == CharSequence.class);
    }

    @Override
    public void encode(String value, ByteBuf out) {
        SendableText.writeUtf8(out, value);
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        if (format != Format.TEXT) {
            throw new PgConversionException("the text fallback reads text format only");
        }
        return value.toString(StandardCharsets.UTF_8);
    }
}
