package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.Duration;
import java.time.Period;

/**
 * {@code interval}: {@code int64} microseconds, {@code int32} days, {@code int32} months. Reads as
 * {@link PgInterval} (exact; the default), as {@code Duration} when it has no months and as
 * {@code Period} when it has no time part; writes all three.
 */
final class IntervalCodec extends BaseCodec<Object> {

    private IntervalCodec(Class<?> javaType) {
        super(PgType.INTERVAL, javaType, Format.BINARY, false, PgInterval.class, Duration.class, Period.class);
    }

    static IntervalCodec pgInterval() {
        return new IntervalCodec(PgInterval.class);
    }

    static IntervalCodec duration() {
        return new IntervalCodec(Duration.class);
    }

    static IntervalCodec period() {
        return new IntervalCodec(Period.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == PgInterval.class || valueClass == Duration.class || valueClass == Period.class;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        PgInterval interval;
        if (value instanceof Duration d) {
            interval = PgInterval.of(d);
        } else if (value instanceof Period p) {
            interval = PgInterval.of(p);
        } else {
            interval = (PgInterval) value;
        }
        out.writeLong(interval.microseconds()).writeInt(interval.days()).writeInt(interval.months());
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        expectLength(value, 16);
        int at = value.readerIndex();
        PgInterval interval = new PgInterval(value.getInt(at + 12), value.getInt(at + 8), value.getLong(at));
        if (target == Duration.class) {
            if (interval.months() != 0 || !interval.isFinite()) {
                throw cannotRead(target, "it has months or is infinite; read PgInterval");
            }
            return interval.toDuration();
        }
        if (target == Period.class) {
            if (interval.microseconds() != 0 || !interval.isFinite()) {
                throw cannotRead(target, "it has a time part or is infinite; read PgInterval");
            }
            return interval.toPeriod();
        }
        return interval;
    }
}
