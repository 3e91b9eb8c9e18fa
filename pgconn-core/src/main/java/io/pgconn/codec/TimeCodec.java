package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.LocalTime;

/**
 * {@code time}: {@code int64} microseconds since midnight, 0 to 24:00:00 inclusive. {@code 24:00:00}
 * has no {@code LocalTime}: it reads as {@link LocalTime#MAX}, and {@code LocalTime.MAX} (like any time
 * that rounds up to it) writes as {@code 24:00:00} (pgjdbc does the same). Nanoseconds are rounded to
 * microseconds.
 */
final class TimeCodec extends BaseCodec<LocalTime> {

    TimeCodec() {
        super(PgType.TIME, LocalTime.class, Format.BINARY, false);
    }

    static long micros(LocalTime time) {
        return PgEpoch.roundToMicros(time.toNanoOfDay());
    }

    static LocalTime time(long micros) {
        return micros == PgEpoch.MICROS_PER_DAY ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
    }

    @Override
    public void encode(LocalTime value, ByteBuf out) {
        out.writeLong(micros(value));
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        expectLength(value, 8);
        long micros = value.getLong(value.readerIndex());
        if (micros < 0 || micros > PgEpoch.MICROS_PER_DAY) {
            throw malformed("time out of range");
        }
        return time(micros);
    }
}
