package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code timestamp}: {@code int64} microseconds since 2000-01-01 00:00. {@code infinity} and
 * {@code -infinity} are {@link LocalDateTime#MAX} and {@link LocalDateTime#MIN} both ways (as in
 * pgjdbc); BC as in {@link DateCodec}; nanoseconds rounded to microseconds.
 */
final class TimestampCodec extends BaseCodec<LocalDateTime> {

    TimestampCodec() {
        super(PgType.TIMESTAMP, LocalDateTime.class, Format.BINARY, false);
    }

    /** Microseconds since 2000-01-01 of a UTC date-time, or {@code null} when PostgreSQL cannot hold it. */
    static Long micros(LocalDateTime value) {
        long seconds = value.toEpochSecond(ZoneOffset.UTC) - PgEpoch.EPOCH_SECOND;
        long micros;
        try {
            micros = Math.addExact(Math.multiplyExact(seconds, 1_000_000L), PgEpoch.roundToMicros(value.getNano()));
        } catch (ArithmeticException e) {
            return null;
        }
        return PgEpoch.validTimestamp(micros) ? micros : null;
    }

    static LocalDateTime dateTime(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long micro = Math.floorMod(micros, 1_000_000L);
        return LocalDateTime.ofEpochSecond(seconds + PgEpoch.EPOCH_SECOND, (int) micro * 1000, ZoneOffset.UTC);
    }

    @Override
    public void encode(LocalDateTime value, ByteBuf out) {
        if (value.equals(LocalDateTime.MAX)) {
            out.writeLong(PgEpoch.TIMESTAMP_INFINITY);
            return;
        }
        if (value.equals(LocalDateTime.MIN)) {
            out.writeLong(PgEpoch.TIMESTAMP_MINUS_INFINITY);
            return;
        }
        Long micros = micros(value);
        if (micros == null) {
            throw cannotWrite(value, "outside PostgreSQL's timestamp range (4713 BC to 294276 AD)");
        }
        out.writeLong(micros);
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        expectLength(value, 8);
        long micros = value.getLong(value.readerIndex());
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
