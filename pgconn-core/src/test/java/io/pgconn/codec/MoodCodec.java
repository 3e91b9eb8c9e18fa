package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A user's codec for an enum type named {@code name} ({@code mood} unless told), in text format: the
 * {@link Mood}'s label, lower case. Shared by UserCodecIT and TypeDdlRefreshIT.
 */
record MoodCodec(String name) implements Codec<Mood> {

    MoodCodec() {
        this("mood");
    }

    @Override
    public PgType type() {
        return PgType.named(name);
    }

    @Override
    public Class<Mood> javaType() {
        return Mood.class;
    }

    @Override
    public Format format() {
        return Format.TEXT;
    }

    @Override
    public void encode(Mood value, ByteBuf out) {
        out.writeCharSequence(value.name().toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        String text = value.toString(StandardCharsets.UTF_8);
        // the registry asks for String only if decodes() said yes, which the default refuses for an enum codec
        return target == String.class ? text : Mood.valueOf(text.toUpperCase(Locale.ROOT));
    }
}
