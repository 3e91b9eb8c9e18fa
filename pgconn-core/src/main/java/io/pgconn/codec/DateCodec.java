package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.time.LocalDate;

/**
 * {@code date}: {@code int32} days since 2000-01-01. {@code infinity} and {@code -infinity} are
 * {@link LocalDate#MAX} and {@link LocalDate#MIN}, both ways, as pgjdbc maps them. BC dates are
 * proleptic Gregorian with a year 0 (1 BC is year 0, 2 BC is -1), exactly as {@code LocalDate} counts.
 * Dates outside PostgreSQL's range (4713 BC – 5874897 AD) are refused. Dates read within a few decades
 * of today come from a shared cache ({@link LocalDates}): the same {@code LocalDate} instance for
 * the same day.
 */
final class DateCodec extends BinaryArrayCodec<LocalDate> {

    DateCodec() {
        super(PgType.DATE, LocalDate.class, Format.BINARY, false);
    }

    @Override
    public void encode(LocalDate value, ByteBuf out) {
        out.writeInt(days(value));
    }

    @Override
    byte[] encodeArray(LocalDate value) {
        return BigEndian.of32(days(value));
    }

    private int days(LocalDate value) {
        if (value.equals(LocalDate.MAX)) {
            return PgEpoch.DATE_INFINITY;
        }
        if (value.equals(LocalDate.MIN)) {
            return PgEpoch.DATE_MINUS_INFINITY;
        }
        long days = value.toEpochDay() - PgEpoch.EPOCH_DAY;
        if (!PgEpoch.validDate(days)) {
            throw cannotWrite(value, "outside PostgreSQL's date range (4713 BC to 5874897 AD)");
        }
        return (int) days;
    }

    @Override
    Object decodeArray(byte[] bytes, int offset, int length, Format format, Class<?> target) {
        expectLength(length, 4);
        int days = BigEndian.int32(bytes, offset);
        if (days == PgEpoch.DATE_INFINITY) {
            return LocalDate.MAX;
        }
        if (days == PgEpoch.DATE_MINUS_INFINITY) {
            return LocalDate.MIN;
        }
        if (!PgEpoch.validDate(days)) {
            throw malformed("day number out of range");
        }
        return LocalDates.ofPgDay(days);
    }
}
