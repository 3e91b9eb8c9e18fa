package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * {@code text}, {@code varchar}, {@code bpchar}, {@code name}: the binary form is the text itself in
 * the client encoding (UTF8 on a pgconn connection), so both formats read the same way. {@code bpchar}
 * keeps its padding, as the server sends it.
 */
final class TextCodec extends BaseCodec<String> {

    TextCodec(PgType type) {
        super(type, String.class, Format.BINARY, true, CharSequence.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == String.class;
    }

    @Override
    public void encode(String value, ByteBuf out) {
        SendableText.writeUtf8(out, withoutNul(value));
    }

    @Override
    boolean longerThan(String value, long maxBytes) {
        return SendableText.utf8LongerThan(value, maxBytes);
    }

    /** A char takes at least one byte in UTF-8 (a surrogate pair four for its two). */
    @Override
    long leastBytes(String value) {
        return value.length();
    }

    @Override
    byte[] encodeArray(String value) {
        return withoutNul(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Refuses a NUL (the server's refusal would quote the bytes) and an unpaired surrogate (sent as '?'), never showing the value. */
    private String withoutNul(String value) {
        String why = SendableText.whyNot(value);
        if (why != null) {
            throw cannotWrite(value, why);
        }
        return value;
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        return value.toString(StandardCharsets.UTF_8);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        return value.toString(StandardCharsets.UTF_8);
    }

    /** Both formats are the text: {@code String}'s own UTF-8 decoding (with its ASCII fast path) over the row's bytes. */
    @Override
    boolean readsArrays(Format format) {
        return true;
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
