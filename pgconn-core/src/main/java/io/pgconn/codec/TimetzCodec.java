package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * {@code timetz}: {@code int64} microseconds since midnight, then {@code int32} zone displacement in
 * seconds <em>west</em> of UTC (the negated offset). The server allows offsets below 16 hours; times as
 * {@link TimeCodec}.
 */
final class TimetzCodec extends BaseCodec<OffsetTime> {

    /** TZDISP_LIMIT. */
    private static final int ZONE_LIMIT = 16 * 3600;

    TimetzCodec() {
        super(PgType.TIMETZ, OffsetTime.class, Format.BINARY, false);
    }

    @Override
    public void encode(OffsetTime value, ByteBuf out) {
        int offset = value.getOffset().getTotalSeconds();
        if (offset <= -ZONE_LIMIT || offset >= ZONE_LIMIT) {
            throw cannotWrite(value, "offsets must be below 16 hours");
        }
        out.writeLong(TimeCodec.micros(value.toLocalTime()));
        out.writeInt(-offset);
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        expectLength(value, 12);
        int at = value.readerIndex();
        long micros = value.getLong(at);
        int zone = value.getInt(at + 8);
        if (micros < 0 || micros > PgEpoch.MICROS_PER_DAY) {
            throw malformed("time out of range");
        }
        if (zone <= -ZONE_LIMIT || zone >= ZONE_LIMIT) {
            throw malformed("time zone displacement out of range");
        }
        return OffsetTime.of(TimeCodec.time(micros), ZoneOffset.ofTotalSeconds(-zone));
    }
}
