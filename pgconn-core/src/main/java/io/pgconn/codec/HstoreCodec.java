package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code hstore} extension's type in {@code hstore_send}'s form: {@code int32} pair count, then per
 * pair {@code int32} key length and key, {@code int32} value length ({@code -1} for NULL) and value.
 * Reads as an unmodifiable {@code Map<String, String>} in the server's order (values may be
 * {@code null}); writes any {@code Map} whose keys are non-null {@code String}s and values
 * {@code String}s or {@code null}. Its OID is bound per connection.
 */
final class HstoreCodec extends BaseCodec<Map<?, ?>> {

    @SuppressWarnings({"unchecked", "rawtypes"})
    HstoreCodec() {
        super(PgType.HSTORE, (Class) Map.class, Format.BINARY, false);
    }

    @Override
    public void encode(Map<?, ?> value, ByteBuf out) {
        out.writeInt(value.size());
        for (Map.Entry<?, ?> e : value.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw cannotWrite(value, "hstore keys must be non-null Strings");
            }
            if (e.getValue() != null && !(e.getValue() instanceof String)) {
                throw cannotWrite(value, "hstore values must be Strings or null");
            }
            writeString(out, key, value, "key");
            if (e.getValue() == null) {
                out.writeInt(-1);
            } else {
                writeString(out, (String) e.getValue(), value, "value");
            }
        }
    }

    /**
     * The pair count, each pair's two length words and its key's and value's length in chars (a byte or more each in
     * UTF-8), added up pair by pair until they pass {@code maxBytes}: a map of more than 128M pairs is judged from its
     * size alone. A key or value that is no String counts nothing here ({@link #encode} refuses it).
     */
    @Override
    boolean longerThan(Map<?, ?> value, long maxBytes) {
        long least = 4 + 8L * value.size();
        if (least > maxBytes) {
            return true;
        }
        for (Map.Entry<?, ?> e : value.entrySet()) {
            least += chars(e.getKey()) + chars(e.getValue());
            if (least > maxBytes) {
                return true;
            }
        }
        return false;
    }

    @Override
    long leastBytes(Map<?, ?> value) {
        long least = 4 + 8L * value.size();
        for (Map.Entry<?, ?> e : value.entrySet()) {
            least += chars(e.getKey()) + chars(e.getValue());
        }
        return least;
    }

    private static long chars(Object s) {
        return s instanceof String text ? text.length() : 0;
    }

    private void writeString(ByteBuf out, String s, Map<?, ?> map, String what) {
        String why = SendableText.whyNot(s);
        if (why != null) {
            throw cannotWrite(map, "an hstore " + what + ": " + why);
        }
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        int n = SendableText.writeUtf8(out, s);
        out.setInt(lengthAt, n);
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        need(value, 4, "pair count");
        int count = value.readInt();
        // a pair takes at least its two 4-byte lengths: a bigger count is a lie
        if (count < 0 || count > value.readableBytes() / 8) {
            throw malformed("pair count " + count + " with " + value.readableBytes() + " bytes");
        }
        Map<String, String> map = new LinkedHashMap<>(Math.max(4, count * 4 / 3 + 1));
        for (int i = 0; i < count; i++) {
            String key = readString(value, "key");
            if (key == null) {
                throw malformed("NULL key");
            }
            map.put(key, readString(value, "value"));
        }
        if (value.isReadable()) {
            throw malformed(value.readableBytes() + " bytes after the last pair");
        }
        return Collections.unmodifiableMap(map);
    }

    private String readString(ByteBuf value, String what) {
        need(value, 4, what + " length");
        int length = value.readInt();
        if (length == -1) {
            return null;
        }
        need(value, length, what);
        return value.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }
}
