package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.ServerRole;
import io.pgconn.trace.PgTracer.ConnectEnded;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverTrackerTest {

    private final Instant now = Instant.parse("2025-01-02T03:04:05Z");

    private final FailoverTracker tracker = new FailoverTracker(Clock.fixed(this.now, ZoneOffset.UTC));

    @Test
    void firstLandingIsNoFailover() {
        this.tracker.landedOn("db1:5432");
        this.tracker.landedOn("db1:5432");
        assertThat(this.tracker.activeHost()).isEqualTo("db1:5432");
        assertThat(this.tracker.failovers()).isZero();
        assertThat(this.tracker.lastFailoverAt()).isNull();
    }

    @Test
    void landingElsewhereCountsAFailover() {
        this.tracker.landedOn("db1:5432");
        this.tracker.connectEnded(new ConnectEnded(7, "db2:5432", ServerRole.PRIMARY, 2, null, Duration.ofMillis(3)));
        assertThat(this.tracker.activeHost()).isEqualTo("db2:5432");
        assertThat(this.tracker.failovers()).isEqualTo(1);
        assertThat(this.tracker.lastFailoverAt()).isEqualTo(this.now);
    }

    @Test
    void failedConnectsChangeNothing() {
        this.tracker.landedOn("db1:5432");
        this.tracker.connectEnded(new ConnectEnded(8, null, null, 2, new IllegalStateException("down"), Duration.ZERO));
        assertThat(this.tracker.activeHost()).isEqualTo("db1:5432");
        assertThat(this.tracker.failovers()).isZero();
    }
}
