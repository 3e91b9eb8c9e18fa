package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * {@code timestamp}: {@code int64} microseconds since 2000-01-01 00:00. {@code infinity} and
 * {@code -infinity} are {@link LocalDateTime#MAX} and {@link LocalDateTime#MIN} both ways (as in
 * pgjdbc); BC as in {@link DateCodec}; nanoseconds rounded to microseconds.
 */
final class TimestampCodec extends BinaryArrayCodec<LocalDateTime> {

    TimestampCodec() {
        super(PgType.TIMESTAMP, LocalDateTime.class, Format.BINARY, false);
    }

    /** What {@link #micros} returns for an instant PostgreSQL cannot hold (it is {@code -infinity}'s value, never a result). */
    static final long OUT_OF_RANGE = Long.MIN_VALUE;

    /** Microseconds since 2000-01-01 of a UTC date-time, or {@link #OUT_OF_RANGE}. */
    static long micros(LocalDateTime value) {
        return micros(value.toEpochSecond(ZoneOffset.UTC), value.getNano());
    }

    /**
     * Microseconds since 2000-01-01 of an instant given as seconds and nanoseconds since 1970 (no
     * objects on the way), or {@link #OUT_OF_RANGE}.
     */
    static long micros(long epochSecond, int nano) {
        long seconds = epochSecond - PgEpoch.EPOCH_SECOND;
        if (seconds > Long.MAX_VALUE / 1_000_000L - 1 || seconds < Long.MIN_VALUE / 1_000_000L + 1) {
            return OUT_OF_RANGE;
        }
        long micros = seconds * 1_000_000L + PgEpoch.roundToMicros(nano);
        return PgEpoch.validTimestamp(micros) ? micros : OUT_OF_RANGE;
    }

    /** The UTC date-time of a valid timestamp: its day from the date cache ({@link LocalDates}), its time computed. */
    static LocalDateTime dateTime(long micros) {
        long days = Math.floorDiv(micros, PgEpoch.MICROS_PER_DAY);
        long microOfDay = Math.floorMod(micros, PgEpoch.MICROS_PER_DAY);
        return LocalDateTime.of(LocalDates.ofPgDay(days), LocalTime.ofNanoOfDay(microOfDay * 1000));
    }

    @Override
    public void encode(LocalDateTime value, ByteBuf out) {
        out.writeLong(checkedMicros(value));
    }

    @Override
    byte[] encodeArray(LocalDateTime value) {
        return BigEndian.of64(checkedMicros(value));
    }

    private long checkedMicros(LocalDateTime value) {
        if (value.equals(LocalDateTime.MAX)) {
            return PgEpoch.TIMESTAMP_INFINITY;
        }
        if (value.equals(LocalDateTime.MIN)) {
            return PgEpoch.TIMESTAMP_MINUS_INFINITY;
        }
        long micros = micros(value);
        if (micros == OUT_OF_RANGE) {
            throw cannotWrite(value, "outside PostgreSQL's timestamp range (4713 BC to 294276 AD)");
        }
        return micros;
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, 8);
        long micros = BigEndian.int64(bytes, offset);
        if (micros == PgEpoch.TIMESTAMP_INFINITY) {
            return LocalDateTime.MAX;
        }
        if (micros == PgEpoch.TIMESTAMP_MINUS_INFINITY) {
            return LocalDateTime.MIN;
        }
        if (!PgEpoch.validTimestamp(micros)) {
            throw malformed("timestamp out of range");
        }
        return dateTime(micros);
    }
}
