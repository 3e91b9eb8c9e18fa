package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An empty or all-NULL {@code List} (or {@code Object[]}): no element says which array type it is, so
 * it goes as the text literal {@code {}} / {@code {NULL,NULL}} with an unspecified type, and the
 * server takes the type from the statement (a column, a cast).
 */
final class EmptyArrayCodec extends WriteOnlyTextCodec<Object> {

    public static final EmptyArrayCodec INSTANCE = new EmptyArrayCodec();

    private EmptyArrayCodec() {
        super(PgType.of(Oids.UNKNOWN, "array of unspecified type"), List.class, "arrays of unspecified type are never read");
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
}
