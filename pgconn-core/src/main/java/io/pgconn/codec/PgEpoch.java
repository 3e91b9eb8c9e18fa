package io.pgconn.codec;

/**
 * PostgreSQL's binary date/time arithmetic: days and microseconds counted from 2000-01-01, with the
 * extreme values reserved for {@code ±infinity}, and the ranges the server accepts
 * ({@code IS_VALID_DATE}, {@code IS_VALID_TIMESTAMP} in {@code datatype/timestamp.h}).
 */
final class PgEpoch {

    /** 2000-01-01 as days since 1970-01-01. */
    static final long EPOCH_DAY = 10_957;
    /** 2000-01-01T00:00Z as seconds since 1970-01-01T00:00Z. */
    static final long EPOCH_SECOND = 946_684_800L;
    static final long MICROS_PER_DAY = 86_400_000_000L;

    /** DATEVAL_NOBEGIN / DATEVAL_NOEND. */
    static final int DATE_MINUS_INFINITY = Integer.MIN_VALUE;
    static final int DATE_INFINITY = Integer.MAX_VALUE;
    /** Julian day 0 (4714-11-24 BC) and DATE_END_JULIAN (5874898-01-01, exclusive), relative to 2000-01-01. */
    static final int MIN_DATE = -2_451_545;
    static final int END_DATE = 2_147_483_494 - 2_451_545;

    /** DT_NOBEGIN / DT_NOEND. */
    static final long TIMESTAMP_MINUS_INFINITY = Long.MIN_VALUE;
    static final long TIMESTAMP_INFINITY = Long.MAX_VALUE;
    /** MIN_TIMESTAMP (4714-11-24 00:00 BC) and END_TIMESTAMP (294277-01-01 00:00, exclusive). */
    static final long MIN_TIMESTAMP = -211_813_488_000_000_000L;
    static final long END_TIMESTAMP = 9_223_371_331_200_000_000L;

    private PgEpoch() {
    }

    static boolean validDate(long days) {
        return days >= MIN_DATE && days < END_DATE;
    }

    static boolean validTimestamp(long micros) {
        return micros >= MIN_TIMESTAMP && micros < END_TIMESTAMP;
    }

    /** Nanoseconds rounded half up to microseconds, as the server rounds fractional seconds it parses. */
    static long roundToMicros(long nanos) {
        return Math.floorDiv(nanos + 500, 1000);
    }
}
