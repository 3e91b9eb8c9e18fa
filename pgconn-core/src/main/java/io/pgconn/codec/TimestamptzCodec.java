package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * {@code timestamptz}: {@code int64} microseconds since 2000-01-01 00:00 UTC; the server's TimeZone
 * plays no part in the binary form. Reads as {@link OffsetDateTime} at UTC (the default),
 * {@link Instant} or {@link ZonedDateTime} at UTC; writes all three. {@code ±infinity} are
 * {@code OffsetDateTime.MAX/MIN} (as pgjdbc), {@code Instant.MAX/MIN} and, for {@code ZonedDateTime},
 * refused when read (it has no infinity) and never produced when written.
 */
final class TimestamptzCodec extends BinaryArrayCodec<Object> {

    private TimestamptzCodec(Class<?> javaType) {
        super(PgType.TIMESTAMPTZ, javaType, Format.BINARY, false, OffsetDateTime.class, Instant.class, ZonedDateTime.class);
    }

    static TimestamptzCodec offsetDateTime() {
        return new TimestamptzCodec(OffsetDateTime.class);
    }

    static TimestamptzCodec instant() {
        return new TimestamptzCodec(Instant.class);
    }

    static TimestamptzCodec zonedDateTime() {
        return new TimestamptzCodec(ZonedDateTime.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return valueClass == OffsetDateTime.class || valueClass == Instant.class || valueClass == ZonedDateTime.class;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        out.writeLong(micros(value));
    }

    @Override
    byte[] encodeArray(Object value) {
        return BigEndian.of64(micros(value));
    }

    private long micros(Object value) {
        if (value.equals(OffsetDateTime.MAX) || value.equals(Instant.MAX)) {
            return PgEpoch.TIMESTAMP_INFINITY;
        }
        if (value.equals(OffsetDateTime.MIN) || value.equals(Instant.MIN)) {
            return PgEpoch.TIMESTAMP_MINUS_INFINITY;
        }
        long micros;
        if (value instanceof OffsetDateTime odt) {
            micros = TimestampCodec.micros(odt.toEpochSecond(), odt.getNano());
        } else if (value instanceof ZonedDateTime zdt) {
            micros = TimestampCodec.micros(zdt.toEpochSecond(), zdt.getNano());
        } else {
            Instant instant = (Instant) value;
            micros = TimestampCodec.micros(instant.getEpochSecond(), instant.getNano());
        }
        if (micros == TimestampCodec.OUT_OF_RANGE) {
            throw cannotWrite(value, "outside PostgreSQL's timestamp range (4713 BC to 294276 AD)");
        }
        return micros;
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, 8);
        long micros = BigEndian.int64(bytes, offset);
        if (micros == PgEpoch.TIMESTAMP_INFINITY || micros == PgEpoch.TIMESTAMP_MINUS_INFINITY) {
            boolean positive = micros == PgEpoch.TIMESTAMP_INFINITY;
            if (target == Instant.class) {
                return positive ? Instant.MAX : Instant.MIN;
            }
            if (target == ZonedDateTime.class) {
                throw cannotRead(target, (positive ? "infinity" : "-infinity") + " has no ZonedDateTime; read OffsetDateTime or Instant");
            }
            return positive ? OffsetDateTime.MAX : OffsetDateTime.MIN;
        }
        if (!PgEpoch.validTimestamp(micros)) {
            throw malformed("timestamp out of range");
        }
        if (target == Instant.class) {
            long seconds = Math.floorDiv(micros, 1_000_000L) + PgEpoch.EPOCH_SECOND;
            int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
            return Instant.ofEpochSecond(seconds, nanos);
        }
        OffsetDateTime utc = OffsetDateTime.of(TimestampCodec.dateTime(micros), ZoneOffset.UTC);
        return target == ZonedDateTime.class ? utc.toZonedDateTime() : utc;
    }
}
