package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sticky primary moves by when connects began, not by when they completed (REVIEW-28 R28-11): a connect begun
 * before a failover that hung on the old primary completes when that one answers again, after a later connect reached
 * the promoted one; it must not take the sticky place back while the promoted one holds — a pool's {@code other-primary}
 * eviction would then drop its sessions on the promoted primary for the one about to be fenced.
 */
class StickyPrimaryOrderTest {

    private static final String OLD = "db1:5432";
    private static final String PROMOTED = "db2:5432";
    private static final TargetSessionAttrs RW = TargetSessionAttrs.READ_WRITE;

    private final HostStatusRegistry registry = new HostStatusRegistry(new MutableClock());

    @Test
    void aConnectBegunBeforeTheOneThatMovedTheStickyHostDoesNotMoveItBack() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        long straggler = registry.connectBegins(); // hangs on the frozen old primary
        long failover = registry.connectBegins();
        registry.recordConnected(PROMOTED, ServerRole.PRIMARY, RW, failover);
        assertThat(registry.stickyHost(RW)).isEqualTo(PROMOTED);

        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, straggler); // the old primary thawed
        assertThat(registry.stickyHost(RW)).as("the straggler's success").isEqualTo(PROMOTED);
        assertThat(registry.status(OLD).role()).as("still remembered up as what it answered").isEqualTo(ServerRole.PRIMARY);

        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, registry.connectBegins());
        assertThat(registry.stickyHost(RW)).as("a connect begun later moves it").isEqualTo(OLD);
    }

    @Test
    void aStragglerTakesTheStickyPlaceWhenTheHostHoldingItNoLongerHolds() {
        long straggler = registry.connectBegins();
        registry.recordConnected(PROMOTED, ServerRole.PRIMARY, RW, registry.connectBegins());
        registry.recordDown(PROMOTED, "connection refused");
        assertThat(registry.stickyHost(RW)).as("down: no sticky host").isNull();

        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, straggler);
        assertThat(registry.stickyHost(RW)).isEqualTo(OLD);
    }

    @Test
    void aTargetThatDoesNotStickHasNoStickyHost() {
        registry.recordConnected(OLD, ServerRole.STANDBY, TargetSessionAttrs.PREFER_STANDBY);
        assertThat(registry.stickyHost(TargetSessionAttrs.PREFER_STANDBY)).isNull();
    }

    @Test
    void aHostFoundUpInAnAcceptedRoleWhileTheStickyOneIsDownBecomesStickyAndTheOldOneAnsweringAgainDoesNotTakeItBack() {
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW);
        long straggler = registry.connectBegins(); // began toward the old primary before it was known down
        registry.recordDown(OLD, "no answer within 10 s"); // the health's probe: it hangs
        registry.recordUp("db3:5432", ServerRole.STANDBY);
        assertThat(registry.stickyHost(RW)).as("a standby does not take read-write connects").isNull();
        registry.recordUp(PROMOTED, ServerRole.PRIMARY); // the health's probe of the promoted standby
        assertThat(registry.stickyHost(RW)).as("no connect reached it yet (every pool slot hung on the old one)").isEqualTo(PROMOTED);

        registry.recordUp(OLD, ServerRole.PRIMARY); // thawed: the probe finds it a primary again
        registry.recordConnected(OLD, ServerRole.PRIMARY, RW, straggler);
        assertThat(registry.stickyHost(RW)).as("a split brain: the pool stays with the promoted one").isEqualTo(PROMOTED);
    }

    @Test
    void beforeAnyConnectForATargetNothingIsSticky() {
        registry.recordUp(PROMOTED, ServerRole.PRIMARY);
        assertThat(registry.stickyHost(RW)).isNull();
    }
}
