package io.pgconn.codec;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The {@link LocalDate} of a PostgreSQL day number (days since 2000-01-01), from a cache of the days
 * around the day this class was loaded: most dates a program reads lie within a few decades of
 * today, and {@code LocalDate.ofEpochDay}'s calendar arithmetic plus the object were about an eighth
 * of reading a ten-column row. The window spans {@value #WINDOW} days (about 45 years: 34 before
 * today, 11 after); it fills in chunks of {@value #CHUNK} days as they are read, so an application
 * that reads no dates holds nothing and one that reads a few years holds a few chunks (4 KB of
 * references each, plus the dates). Days outside the window are computed each time.
 *
 * <p>Shared without locks: a chunk or an entry written by one thread may be missed by another (which
 * then computes the date and writes it again), never seen half-built, since {@code LocalDate} is
 * immutable with final fields and array slots start null. {@code LocalDate} is value-based, so
 * handing the same instance to many readers changes nothing a program may rely on.
 */
final class LocalDates {

    private static final int CHUNK_BITS = 10;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final int CHUNKS = 16;
    static final int WINDOW = CHUNK * CHUNKS;
    /** How many of the window's chunks lie before today's. */
    private static final int CHUNKS_BEFORE = 12;

    private static final LocalDates AROUND_TODAY = new LocalDates(LocalDate.now(ZoneOffset.UTC));

    /** The PostgreSQL day number of the window's first day. */
    private final long first;
    private final LocalDate[][] chunks = new LocalDate[CHUNKS][];

    /** A cache whose window holds {@code today} in its thirteenth chunk. */
    LocalDates(LocalDate today) {
        this.first = today.toEpochDay() - PgEpoch.EPOCH_DAY - (long) CHUNKS_BEFORE * CHUNK;
    }

    /** The date of PostgreSQL day number {@code days}, which the caller checked to be a valid date. */
    static LocalDate ofPgDay(long days) {
        return AROUND_TODAY.date(days);
    }

    LocalDate date(long days) {
        long i = days - first;
        if (i < 0 || i >= WINDOW) {
            return LocalDate.ofEpochDay(days + PgEpoch.EPOCH_DAY);
        }
        int slot = (int) i;
        LocalDate[] chunk = chunks[slot >>> CHUNK_BITS];
        if (chunk == null) {
            chunk = new LocalDate[CHUNK];
            chunks[slot >>> CHUNK_BITS] = chunk;
        }
        LocalDate date = chunk[slot & (CHUNK - 1)];
        if (date == null) {
            date = LocalDate.ofEpochDay(days + PgEpoch.EPOCH_DAY);
            chunk[slot & (CHUNK - 1)] = date;
        }
        return date;
    }

    /** The PostgreSQL day number of the window's first day (for tests; the window holds {@link #WINDOW} days). */
    long firstDay() {
        return first;
    }
}
