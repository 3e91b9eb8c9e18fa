package io.pgconn.r2dbc;

import io.netty.buffer.ByteBuf;
import io.pgconn.codec.Codec;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgType;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A user's codec for {@code order_status} in text format: the enum's label, lower case. */
final class OrderStatusCodec implements Codec<OrderStatus> {

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
