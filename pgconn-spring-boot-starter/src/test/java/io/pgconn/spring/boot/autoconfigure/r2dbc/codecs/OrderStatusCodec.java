package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import io.netty.buffer.ByteBuf;
import io.pgconn.codec.Codec;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgType;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code order_status} (a named type) as {@link OrderStatus}, in text format: the label, lower case. The starter's
 * tests' one enum codec (ReadsOnTheStandbyRecipeTlsIT uses it too).
 */
public final class OrderStatusCodec implements Codec<OrderStatus> {

    @Override
    public PgType type() {
        return PgType.named("order_status");
    }

    @Override
    public Class<OrderStatus> javaType() {
        return OrderStatus.class;
    }

    @Override
    public Format format() {
        return Format.TEXT;
    }

    @Override
    public void encode(OrderStatus value, ByteBuf out) {
        out.writeCharSequence(value.name().toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        return OrderStatus.valueOf(value.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
    }
}
