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

    /**
     * NEW-USER-28 F5, without health: a reads factory's connects moving from one standby to another move the active
     * host and count nothing; moving to the primary (no standby up) and back count.
     */
    @Test
    void connectsMovingBetweenStandbysAreNoFailover() {
        this.tracker.connectEnded(new ConnectEnded(1, "db2:5432", ServerRole.STANDBY, 1, null, Duration.ofMillis(2)));
        this.tracker.connectEnded(new ConnectEnded(2, "db3:5432", ServerRole.STANDBY, 2, null, Duration.ofMillis(2)));
        assertThat(this.tracker.activeHost()).isEqualTo("db3:5432");
        assertThat(this.tracker.failovers()).isZero();
        assertThat(this.tracker.lastFailoverAt()).isNull();
        this.tracker.connectEnded(new ConnectEnded(3, "db1:5432", ServerRole.PRIMARY, 3, null, Duration.ofMillis(2)));
        this.tracker.connectEnded(new ConnectEnded(4, "db2:5432", ServerRole.STANDBY, 2, null, Duration.ofMillis(2)));
        assertThat(this.tracker.failovers()).isEqualTo(2);
    }

    /**
     * NEW-USER-31 F4: each failover is counted under what moved — writes (primary to primary) told from a reads
     * factory falling back to the primary and back; a role not known is told as such. The kinds sum to the count.
     */
    @Test
    void eachFailoverIsCountedUnderItsKind() {
        this.tracker.landedOn("db1:5432", ServerRole.PRIMARY, () -> "first");
        this.tracker.landedOn("db2:5432", ServerRole.READ_ONLY_PRIMARY, () -> "writes moved");
        this.tracker.landedOn("db3:5432", ServerRole.STANDBY, () -> "no primary left");
        this.tracker.landedOn("db1:5432", ServerRole.PRIMARY, () -> "no standby left");
        this.tracker.landedOn("db4:5432", () -> "a connect said nothing of its role");
        assertThat(this.tracker.failovers(FailoverKind.PRIMARY_TO_PRIMARY)).isEqualTo(1);
        assertThat(this.tracker.failovers(FailoverKind.PRIMARY_TO_STANDBY)).isEqualTo(1);
        assertThat(this.tracker.failovers(FailoverKind.STANDBY_TO_PRIMARY)).isEqualTo(1);
        assertThat(this.tracker.failovers(FailoverKind.ROLE_UNKNOWN)).isEqualTo(1);
        assertThat(this.tracker.failovers()).isEqualTo(4);
    }

    /**
     * The server behind the active label changed: its kind is told from the roles before and after, as between two
     * labels — a promoted standby behind a reads label is a fallback to a primary; a standby behind it replaced by
     * another standby is a standby move, no failover (NEW-USER-28 F5).
     */
    @Test
    void theServerBehindTheActiveLabelChangingIsCountedByItsRoles() {
        this.tracker.landedOn("pg-ro.svc:5432", ServerRole.STANDBY, () -> "first");
        this.tracker.serverChanged("pg-ro.svc:5432", ServerRole.STANDBY, () -> "another standby behind the name");
        assertThat(this.tracker.failovers()).isZero();
        assertThat(this.tracker.standbyMoves()).isEqualTo(1);
        this.tracker.serverChanged("pg-ro.svc:5432", ServerRole.PRIMARY, () -> "promoted");
        assertThat(this.tracker.failovers(FailoverKind.STANDBY_TO_PRIMARY)).isEqualTo(1);
        this.tracker.serverChanged("pg-ro.svc:5432", () -> "the role not told");
        assertThat(this.tracker.failovers(FailoverKind.ROLE_UNKNOWN)).isEqualTo(1);
        assertThat(this.tracker.failovers()).isEqualTo(2);
    }

    @Test
    void failedConnectsChangeNothing() {
        this.tracker.landedOn("db1:5432");
        this.tracker.connectEnded(new ConnectEnded(8, null, null, 2, new IllegalStateException("down"), Duration.ZERO));
        assertThat(this.tracker.activeHost()).isEqualTo("db1:5432");
        assertThat(this.tracker.failovers()).isZero();
    }

    /**
     * The sequence EmbeddedFailoverIT recorded (crash of db1, promotion of db2, a write load on the
     * pool): the application's connect lands on the promoted db2 while the monitors' view still
     * shows db1 up (its last probe answered before the crash), then the monitors see db1 down and
     * db2 primary. Fed by both, the tracker counted db1 -> db2 -> db1 -> db2: 3 failovers for one
     * promotion, and a count that ran ahead of the activeHost health showed. With the monitors as
     * its one source it counts 1.
     */
    @Test
    void oneFailoverForOnePromotionWhenConnectsSeeTheNewPrimaryBeforeTheMonitorsDo() {
        this.tracker.connectEnded(landed("db1:5432")); // start-up check, before the monitors run
        this.tracker.followHealthMonitor();
        this.tracker.landedOn("db1:5432"); // monitors: db1 primary, db2 standby
        this.tracker.connectEnded(landed("db2:5432")); // crash + promote: the pool's next connect lands on db2
        assertThat(this.tracker.failovers()).as("health still shows db1 active").isZero();
        this.tracker.landedOn("db1:5432"); // a report or a round end still reading db1's stale view
        this.tracker.landedOn("db2:5432"); // monitors: db1 down, db2 primary
        this.tracker.connectEnded(landed("db2:5432"));
        this.tracker.landedOn("db2:5432");
        assertThat(this.tracker.failovers()).isEqualTo(1);
        assertThat(this.tracker.activeHost()).isEqualTo("db2:5432");
    }

    @Test
    void withoutHealthMonitorsConnectsAreTheSource() {
        this.tracker.connectEnded(landed("db1:5432"));
        this.tracker.connectEnded(landed("db2:5432"));
        assertThat(this.tracker.failovers()).isEqualTo(1);
    }

    private static ConnectEnded landed(String host) {
        return new ConnectEnded(1, host, ServerRole.PRIMARY, 1, null, Duration.ofMillis(1));
    }
}
