package io.pgconn.codec;

import java.time.Duration;
import java.time.Period;

/**
 * A PostgreSQL {@code interval} exactly as the server keeps it: months, days and microseconds, three
 * fields that do not convert into each other (a month is not a fixed number of days, a day is not 24
 * hours across a DST change). {@link #POSITIVE_INFINITY} and {@link #NEGATIVE_INFINITY} are the
 * {@code infinity} intervals of PostgreSQL 17+.
 */
public record PgInterval(int months, int days, long microseconds) {

    public static final PgInterval ZERO = new PgInterval(0, 0, 0);
    /** {@code interval 'infinity'} (PostgreSQL 17+): every field at its maximum. */
    public static final PgInterval POSITIVE_INFINITY = new PgInterval(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
    /** {@code interval '-infinity'} (PostgreSQL 17+): every field at its minimum. */
    public static final PgInterval NEGATIVE_INFINITY = new PgInterval(Integer.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE);

    public static PgInterval of(int months, int days, long microseconds) {
        return new PgInterval(months, days, microseconds);
    }

    /** The interval of a {@code Duration}: microseconds only (rounded), no days or months. */
    public static PgInterval of(Duration duration) {
        try {
            long micros = Math.addExact(Math.multiplyExact(duration.getSeconds(), 1_000_000L), (duration.getNano() + 500) / 1000);
            return new PgInterval(0, 0, micros);
        } catch (ArithmeticException e) {
            throw new PgConversionException("a Duration of more than 292,000 years does not fit an interval");
        }
    }

    /** The interval of a {@code Period}: its total months and its days. */
    public static PgInterval of(Period period) {
        long months = period.toTotalMonths();
        if (months < Integer.MIN_VALUE || months > Integer.MAX_VALUE) {
            throw new PgConversionException("a Period of more than 2^31 months does not fit an interval");
        }
        return new PgInterval((int) months, period.getDays(), 0);
    }

    public boolean isFinite() {
        return !equals(POSITIVE_INFINITY) && !equals(NEGATIVE_INFINITY);
    }

    /**
     * This interval as a {@code Duration}, when it has no months (days count as 24 hours).
     *
     * @throws PgConversionException when it has months or is infinite
     */
    public Duration toDuration() {
        if (months != 0 || !isFinite()) {
            throw new PgConversionException("an interval with months (or an infinite one) has no Duration; read PgInterval");
        }
        return Duration.ofDays(days).plusSeconds(Math.floorDiv(microseconds, 1_000_000L))
                .plusNanos(Math.floorMod(microseconds, 1_000_000L) * 1000);
    }

    /**
     * This interval as a {@code Period}, when it has no time part.
     *
     * @throws PgConversionException when it has microseconds or is infinite
     */
    public Period toPeriod() {
        if (microseconds != 0 || !isFinite()) {
            throw new PgConversionException("an interval with a time part (or an infinite one) has no Period; read PgInterval");
        }
        return Period.of(0, months, days);
    }
}
