package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The split-brain tie-break (closing-note-28 F8): when two hosts answer as primary and a watcher read both their WAL
 * timelines, the one on the higher timeline — the promoted standby — is the sticky primary even though nothing saw the
 * old one down (a freeze shorter than the health's close: before, the old primary stayed sticky and a pool stayed on
 * the primary about to be fenced). One timeline alone decides nothing; a host found down or in recovery since its read
 * is weighed no more.
 */
class StickyPrimaryTimelineTest {

    private static final String OLD = "db1:5432";
    private static final String PROMOTED = "db2:5432";
    private static final TargetSessionAttrs RW = TargetSessionAttrs.READ_WRITE;

    private final HostStatusRegistry registry = new HostStatusRegistry(new MutableClock());

    @Test
    void theHostOnTheHigherTimelineTakesTheStickyPlaceOnceBothAreRead() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        registry.recordUp(PROMOTED, ServerRole.PRIMARY); // the health's probe: a second primary
        assertThat(registry.stickyHost(RW)).as("the old one holds: nothing found it down").isEqualTo(OLD);

        registry.recordTimeline(PROMOTED, 2);
        assertThat(registry.stickyHost(RW)).as("the old one's timeline not read yet").isEqualTo(OLD);
        registry.recordTimeline(OLD, 1);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);

        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, registry.connectBegins() - 5); // a straggler begun before
        registry.recordTimeline(OLD, 1);
        assertThat(registry.stickyHost(RW)).as("read again: still the lower one").isEqualTo(PROMOTED);
    }

    @Test
    void theStickyHostOnTheHigherTimelineStays() {
        registry.recordConnected(PROMOTED, ServerRole.PRIMARY, RW);
        registry.recordUp(OLD, ServerRole.PRIMARY);
        registry.recordTimeline(OLD, 1);
        registry.recordTimeline(PROMOTED, 2);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);
        registry.recordTimeline(OLD, 1);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);
    }

    @Test
    void equalTimelinesKeepTheStickyHost() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        registry.recordUp(PROMOTED, ServerRole.PRIMARY); // two independent clusters, both on timeline 1
        registry.recordTimeline(PROMOTED, 1);
        registry.recordTimeline(OLD, 1);
        assertThat(registry.stickyHost(RW)).isEqualTo(OLD);
    }

    /**
     * REVIEW-29 R29-2: in a split brain one 53300 or one probe timeout of the promoted primary handed the sticky place —
     * and, through the pool's other-primary eviction, every pooled session — to the old one: a connect then landed on
     * the old one, or a probe report found it up while the sticky host did not hold. A host on a lower timeline never
     * takes the place from one on a higher; while the promoted one does not hold no host is sticky (nothing evicted as
     * other-primary), and it is sticky again as soon as it answers.
     */
    @Test
    void anOlderPrimaryDoesNotTakeTheStickyPlaceWhileTheNewerIsFullOrDown() {
        splitBrainDecidedForThePromoted();
        registry.recordFull(PROMOTED, "too many connections");
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, registry.connectBegins()); // the next connect lands on OLD
        registry.recordUp(OLD, ServerRole.PRIMARY); // and a probe report of it
        assertThat(registry.stickyHost(RW)).as("the promoted one full: none, not the old one").isNull();
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);

        registry.recordDown(PROMOTED, "no answer within 10 s"); // one probe timeout
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, registry.connectBegins());
        registry.recordUp(OLD, ServerRole.PRIMARY);
        assertThat(registry.stickyHost(RW)).isNull();
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        assertThat(registry.stickyHost(RW)).as("its timeline kept through the timeout").isEqualTo(PROMOTED);
    }

    /** Rewound and started as a standby, the promoted one's read is forgotten: the old one, still primary, may take it. */
    @Test
    void aNewerPrimaryFoundInRecoveryNoLongerHoldsTheOldOneOff() {
        splitBrainDecidedForThePromoted();
        registry.recordUp(PROMOTED, ServerRole.STANDBY);
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, registry.connectBegins());
        assertThat(registry.stickyHost(RW)).isEqualTo(OLD);
    }

    private void splitBrainDecidedForThePromoted() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        registry.recordTimeline(OLD, 1);
        registry.recordTimeline(PROMOTED, 2);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);
    }

    @Test
    void aTimelineReadBeforeTheHostWasFoundInRecoveryIsWeighedNoMore() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        registry.recordTimeline(PROMOTED, 3);
        registry.recordUp(PROMOTED, ServerRole.STANDBY); // demoted after the read
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        registry.recordTimeline(OLD, 2);
        assertThat(registry.stickyHost(RW)).isEqualTo(OLD);
    }

    @Test
    void aHigherTimelineOnAHostNotUpAsPrimaryTakesNothing() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        registry.recordTimeline(OLD, 1);
        registry.recordTimeline(PROMOTED, 2); // read, but the memory has never seen it up
        assertThat(registry.stickyHost(RW)).isEqualTo(OLD);
        registry.recordFull(PROMOTED, "too many connections");
        registry.recordTimeline(PROMOTED, 2);
        assertThat(registry.stickyHost(RW)).as("full: takes no new session").isEqualTo(OLD);
    }

    @Test
    void aTargetThatDoesNotStickIsNotMoved() {
        registry.recordConnected(OLD, ServerRole.STANDBY, TargetSessionAttrs.PREFER_STANDBY);
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        registry.recordTimeline(PROMOTED, 2);
        assertThat(registry.stickyHost(TargetSessionAttrs.PREFER_STANDBY)).isNull();
    }
}
