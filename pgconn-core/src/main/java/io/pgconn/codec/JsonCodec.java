package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * {@code json} and {@code jsonb}. Binary {@code json} is the text itself; binary {@code jsonb} is a
 * version byte (1, the only one there is) and then the text. Reads as {@code String} (the default),
 * {@link Json} or UTF-8 {@code byte[]}, in either format; writes {@code Json}, and {@code String} or
 * {@code byte[]} when the parameter is typed json/jsonb.
 */
final class JsonCodec extends BaseCodec<Object> {

    private static final int JSONB_VERSION = 1;

    private final boolean jsonb;

    private JsonCodec(PgType type, Class<?> javaType) {
        super(type, javaType, Format.BINARY, true, String.class, Json.class, byte[].class, CharSequence.class);
        this.jsonb = type.equals(PgType.JSONB);
    }

    static JsonCodec json() {
        return new JsonCodec(PgType.JSON, String.class);
    }

    static JsonCodec jsonb() {
        return new JsonCodec(PgType.JSONB, String.class);
    }

    /** jsonb written from {@code Json}: the type a {@link Json} parameter goes as by default. */
    static JsonCodec jsonbFromJson() {
        return new JsonCodec(PgType.JSONB, Json.class);
    }

    /** json written from {@code Json} when typed json; reads the same as {@link #json()}. */
    static JsonCodec jsonFromJson() {
        return new JsonCodec(PgType.JSON, Json.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == Json.class || valueClass == String.class || valueClass == byte[].class;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        if (jsonb) {
            out.writeByte(JSONB_VERSION);
        }
        if (value instanceof byte[] bytes) {
            out.writeBytes(bytes);
        } else {
            String text = value instanceof Json j ? j.text() : (String) value;
            String why = SendableText.whyNot(text);
            if (why != null) {
                throw cannotWrite(value, why);
            }
            SendableText.writeUtf8(out, text); // not writeCharSequence: it reserves three bytes a char
        }
    }

    /** The text's UTF-8 length (a byte[] value's size), and jsonb's version byte. */
    @Override
    boolean longerThan(Object value, long maxBytes) {
        long room = jsonb ? maxBytes - 1 : maxBytes;
        if (value instanceof byte[] bytes) {
            return bytes.length > room;
        }
        return SendableText.utf8LongerThan(value instanceof Json j ? j.text() : (String) value, room);
    }

    /** A byte[] value's size, a text's length in chars (a byte or more each), and jsonb's version byte. */
    @Override
    long leastBytes(Object value) {
        long text = value instanceof byte[] bytes ? bytes.length : (value instanceof Json j ? j.text() : (String) value).length();
        return jsonb ? text + 1 : text;
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        if (jsonb) {
            if (!value.isReadable()) {
                throw malformed("missing version byte");
            }
            int version = value.getByte(value.readerIndex());
            if (version != JSONB_VERSION) {
                throw malformed("unsupported jsonb version " + version);
            }
            return shape(value.slice(value.readerIndex() + 1, value.readableBytes() - 1), target);
        }
        return shape(value, target);
    }

    @Override
    Object decodeText(ByteBuf value, Class<?> target) {
        return shape(value, target);
    }

    private static Object shape(ByteBuf text, Class<?> target) {
        if (target == byte[].class) {
            return ByteBufUtil.getBytes(text);
        }
        String s = text.toString(StandardCharsets.UTF_8);
        return target == Json.class ? new Json(s) : s;
    }
}
