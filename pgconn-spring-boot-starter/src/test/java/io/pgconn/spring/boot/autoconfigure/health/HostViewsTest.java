package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.FailoverKind;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.trace.PgTracer.ConnectEnded;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every new view of a host moves the active host and the failover count together, in the orders
 * real failovers produce them; a snapshot never shows one without the other.
 */
class HostViewsTest {

    private static final String DB1 = "db1:5432";

    private static final String DB2 = "db2:5432";

    private static final String DB3 = "db3:5432";

    private final Instant at = Instant.parse("2026-12-03T12:00:00Z");

    private final FailoverTracker tracker = new FailoverTracker();

    /** The application factory's sticky primary, as core would say it at each step ({@code PgConnectionFactory.stickyPrimary()}). */
    private @Nullable String sticky;

    private final HostViews views = new HostViews(List.of(DB1, DB2), TargetSessionAttrs.READ_WRITE, this.tracker,
            () -> Optional.ofNullable(this.sticky));

    @Test
    void aFrozenPrimaryWhoseProbeTimesOutAfterThePromotionCountsWhenActiveHostMoves() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        assertActive(DB1, 0);
        // db1 frozen: its probe hangs, its view stays the last answer; db2 promoted and probed first
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB1, 0);
        // db1's probe times out (its probe round is still open: the count no longer waits for it)
        this.views.update(0, down(DB1, "no answer within 1000 ms (db1:5432)"));
        assertActive(DB2, 1);
        assertThat(this.views.snapshot().lastFailoverAt()).isNotNull();
    }

    @Test
    void aCrashThenAPromotionIsOneFailoverWithTheWindowInBetween() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        this.views.update(0, down(DB1, "connection refused (db1:5432)"));
        // the window: no host satisfies read-write
        assertThat(this.views.snapshot().active()).isNull();
        assertThat(this.views.snapshot().failovers()).isZero();
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
        // later rounds, and the application's connects on the new primary, change nothing
        this.tracker.connectEnded(new ConnectEnded(9, DB2, ServerRole.PRIMARY, 2, null, Duration.ofMillis(2)));
        this.views.update(0, down(DB1, "connection refused (db1:5432)"));
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
    }

    @Test
    void theApplicationsConnectsDoNotMoveTheCountAheadOfTheViews() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        // crash + promote: the pool's connect lands on db2 before db1's next probe
        this.tracker.connectEnded(new ConnectEnded(7, DB2, ServerRole.PRIMARY, 2, null, Duration.ofMillis(3)));
        assertActive(DB1, 0);
        this.views.update(0, down(DB1, "connection refused (db1:5432)"));
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
    }

    @Test
    void thePrimaryComingBackWithoutAPromotionIsNoFailover() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        this.views.update(0, down(DB1, "connection refused (db1:5432)"));
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB1, 0);
    }

    /**
     * Closing-note-28 F8 (user28b's drills): db1 frozen, db2 promoted and found up (core's sticky primary moves to db2),
     * db1 thawed — a connect begun before the failover completes on db1 there. Core keeps new connects on db2 (the
     * straggler does not take the sticky place back), so the active host stays db2: session 28's health followed the
     * last connect and logged "active host changed from db2 to db1 (failover 2)" and back (failover 3).
     */
    @Test
    void aStragglerConnectCompletingOnTheThawedOldPrimaryMovesNeitherTheActiveHostNorTheCount() {
        this.sticky = DB1;
        this.tracker.connectEnded(new ConnectEnded(1, DB1, ServerRole.PRIMARY, 1, null, Duration.ofMillis(2)));
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        assertActive(DB1, 0);
        // db1 frozen: its probe times out; core's memory has it down, so no sticky host holds
        this.sticky = null;
        this.views.update(0, down(DB1, "no answer within 10000 ms (db1:5432)"));
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
        this.sticky = DB2; // the probe's report made db2 sticky (StickyPrimary.foundUp)
        // the thaw: a connect begun before the failover completes on db1; db1 answers as primary again
        this.tracker.connectEnded(new ConnectEnded(2, DB1, ServerRole.PRIMARY, 1, null, Duration.ofMillis(9000)));
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB2, 1);
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB2, 1);
    }

    /**
     * Core may move its sticky primary while both hosts answer as primaries (a newer timeline wins, docs/lifecycle.md
     * §2.4): the active host follows at the next view, one failover, saying where new connections go now.
     */
    @Test
    void theActiveHostFollowsTheStickyPrimaryWhileBothAnswerAsPrimaries() {
        this.sticky = DB1;
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB1, 0);
        this.sticky = DB2;
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB2, 1);
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
    }

    /**
     * NEW-USER-28 F5: pg.conn.failovers{name=readsPg} rose with every move of the reads between standbys (a standby
     * restart counted 2, a promotion elsewhere 1). Between standbys the active host moves and nothing is counted; to the
     * primary (no standby up) and back to a standby counts.
     */
    @Test
    void readsMovingBetweenStandbysAreNoFailoverButFallingBackToThePrimaryIs() {
        FailoverTracker readsTracker = new FailoverTracker("readsPg");
        HostViews reads = new HostViews(List.of(DB1, DB2, DB3), TargetSessionAttrs.PREFER_STANDBY, readsTracker);
        reads.update(0, up(DB1, ServerRole.PRIMARY));
        reads.update(1, up(DB2, ServerRole.STANDBY));
        reads.update(2, up(DB3, ServerRole.STANDBY));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB2);
        reads.update(1, down(DB2, "connection refused (db2:5432)")); // a standby restart
        assertThat(reads.snapshot().active().host()).isEqualTo(DB3);
        reads.update(1, up(DB2, ServerRole.STANDBY));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB2);
        reads.update(1, up(DB2, ServerRole.PRIMARY)); // promoted (the old primary gone elsewhere): reads go to db3
        reads.update(0, down(DB1, "connection refused (db1:5432)"));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB3);
        assertThat(reads.snapshot().failovers()).as("every move between standbys").isZero();
        assertThat(reads.snapshot().lastFailoverAt()).isNull();
        assertThat(readsTracker.standbyMoves()).as("db2 -> db3, db3 -> db2, db2 -> db3").isEqualTo(3);

        reads.update(2, down(DB3, "connection refused (db3:5432)")); // no standby left: prefer-standby takes the primary
        assertThat(reads.snapshot().active().host()).isEqualTo(DB2);
        reads.update(2, up(DB3, ServerRole.STANDBY));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB3);
        assertThat(reads.snapshot().failovers()).isEqualTo(2);
        assertThat(readsTracker.standbyMoves()).as("to the primary and back are failovers, no standby move").isEqualTo(3);
        // NEW-USER-31 F4: told apart from writes moving by their kind
        assertThat(readsTracker.failovers(FailoverKind.STANDBY_TO_PRIMARY)).as("db3 -> db2 (the primary)").isEqualTo(1);
        assertThat(readsTracker.failovers(FailoverKind.PRIMARY_TO_STANDBY)).as("db2 -> db3").isEqualTo(1);
        assertThat(readsTracker.failovers(FailoverKind.PRIMARY_TO_PRIMARY)).isZero();
        assertThat(readsTracker.failovers(FailoverKind.ROLE_UNKNOWN)).isZero();
    }

    @Test
    void hostsNotYetProbedAreUnknownAndNoneIsActive() {
        HostViews.Snapshot snapshot = this.views.snapshot();
        assertThat(snapshot.hosts()).extracting(HostView::host).containsExactly(DB1, DB2);
        assertThat(snapshot.hosts()).allMatch(v -> !v.isUp());
        assertThat(snapshot.active()).isNull();
    }

    /**
     * New user 20 F8: under prefer-standby the primary answered first and was the active host until the standby's
     * first answer — "failover 1" at every start. A first-pass host settles as soon as every host ahead of it is
     * probed; a host of the last pass only once every host is.
     */
    @Test
    void theFirstRoundSettlingTheActiveHostIsNoFailover() {
        FailoverTracker preferStandby = new FailoverTracker("readsPg");
        HostViews reads = new HostViews(List.of(DB1, DB2), TargetSessionAttrs.PREFER_STANDBY, preferStandby);
        reads.update(0, up(DB1, ServerRole.PRIMARY));
        assertThat(reads.snapshot().active().host()).as("what a connect would take now").isEqualTo(DB1);
        assertThat(preferStandby.activeHost()).as("db2 may still be a standby").isNull();
        reads.update(1, up(DB2, ServerRole.STANDBY));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB2);
        assertThat(reads.snapshot().failovers()).isZero();
        assertThat(preferStandby.activeHost()).isEqualTo(DB2);
        // a real change afterwards still counts: the standby goes down, reads land on the primary
        reads.update(1, down(DB2, "connection refused (db2:5432)"));
        assertThat(reads.snapshot().active().host()).isEqualTo(DB1);
        assertThat(reads.snapshot().failovers()).isEqualTo(1);

        // read-write: db2 answers first as primary while db1, ahead of it, is not probed yet
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertThat(this.tracker.activeHost()).isNull();
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB1, 0);
    }

    @Test
    void aFirstPassHostWithEveryHostAheadOfItProbedSettlesAtOnce() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        assertActive(DB1, 0);
    }

    /**
     * A primary refusing new logins for want of a free slot (53300) still serves its sessions: it stays the active
     * host, no failover counted, the health's warning names it; a host that takes new sessions goes first.
     */
    @Test
    void aFullPrimaryStaysActiveWithAWarningUnlessAnAcceptableHostTakesNewSessions() {
        this.views.update(0, up(DB1, ServerRole.PRIMARY));
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        this.views.update(0, up(DB1, ServerRole.PRIMARY).full("too many connections, SQLSTATE 53300 (db1:5432)", ServerRole.PRIMARY, this.at));
        assertActive(DB1, 0);
        assertThat(FullHostWarning.of(this.views.snapshot().active())).startsWith("db1:5432 refuses new connections")
                .contains("53300").contains("the sessions open to it keep working");
        this.views.update(1, up(DB2, ServerRole.PRIMARY));
        assertActive(DB2, 1);
        assertThat(FullHostWarning.of(this.views.snapshot().active())).isNull();
    }

    private void assertActive(String host, long failovers) {
        HostViews.Snapshot snapshot = this.views.snapshot();
        assertThat(snapshot.active()).as("active host").isNotNull();
        assertThat(snapshot.active().host()).isEqualTo(host);
        assertThat(snapshot.failovers()).as("failovers with activeHost " + host).isEqualTo(failovers);
        assertThat(this.tracker.activeHost()).isEqualTo(host);
    }

    private HostView up(String host, ServerRole role) {
        return HostView.unknown(host).up(role, "18.0", this.at);
    }

    private HostView down(String host, String error) {
        return HostView.unknown(host).up(ServerRole.PRIMARY, "18.0", this.at).down(error, this.at);
    }
}
