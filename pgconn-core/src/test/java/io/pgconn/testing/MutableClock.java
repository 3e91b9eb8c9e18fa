package io.pgconn.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it: time-based memory is tested without sleeping. The one settable test
 * clock of the build (core, and the starter's health tests through the test-jar).
 */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /** At 2026-01-01T00:00:00Z. */
    public MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** At {@code start}. */
    public MutableClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
