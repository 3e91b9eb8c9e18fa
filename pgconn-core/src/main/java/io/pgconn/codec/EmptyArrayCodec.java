package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An empty or all-NULL {@code List} (or {@code Object[]}): no element says which array type it is, so
 * it goes as the text literal {@code {}} / {@code {NULL,NULL}} with an unspecified type, and the
 * server takes the type from the statement (a column, a cast).
 */
final class EmptyArrayCodec implements Codec<Object> {

    public static final EmptyArrayCodec INSTANCE = new EmptyArrayCodec();

    private static final PgType TYPE = PgType.of(Oids.UNKNOWN, "array of unspecified type");

    private EmptyArrayCodec() {
    }

    @Override
    public PgType type() {
        return TYPE;
    }

    @Override
    public Class<?> javaType() {
        return List.class;
    }

    @Override
    public Format format() {
        return Format.TEXT;
    }

    @Override
    public boolean decodes(Format format, Class<?> target) {
        return false;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        int n = value instanceof List<?> list ? list.size() : ((Object[]) value).length;
        StringBuilder literal = new StringBuilder(2 + 5 * n).append('{');
        for (int i = 0; i < n; i++) {
            literal.append(i == 0 ? "NULL" : ",NULL");
        }
        out.writeCharSequence(literal.append('}'), StandardCharsets.US_ASCII);
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        throw new PgConversionException("arrays of unspecified type are never read");
    }
}
