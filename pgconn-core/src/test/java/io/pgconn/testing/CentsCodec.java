package io.pgconn.testing;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgProtocolException;
import io.pgconn.codec.Codec;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgType;

/**
 * int8 as the user's {@link Cents}: a user codec for a built-in type, which wins for its class and for
 * Object while the built-in codec still reads Long. Shared by CodecRegistryTest, UserCodecIT and the
 * starter's PgConnCodecsIT.
 */
public final class CentsCodec implements Codec<Cents> {

    @Override
    public PgType type() {
        return PgType.INT8;
    }

    @Override
    public Class<Cents> javaType() {
        return Cents.class;
    }

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public void encode(Cents value, ByteBuf out) {
        out.writeLong(value.value());
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        if (value.readableBytes() != 8) {
            throw new PgProtocolException(null, "malformed int8 value: " + value.readableBytes() + " bytes");
        }
        return new Cents(value.getLong(value.readerIndex()));
    }
}
