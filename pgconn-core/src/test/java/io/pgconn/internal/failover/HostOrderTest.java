package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.config.HostSpec;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HostOrderTest {

    private static final HostSpec A = new HostSpec("a", null, 5432);
    private static final HostSpec B = new HostSpec("b", null, 5432);
    private static final HostSpec C = new HostSpec("c", null, 5432);
    private static final Duration RECHECK = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final HostStatusRegistry registry = new HostStatusRegistry(clock);

    @Test
    void configuredOrderWhenNothingIsKnown() {
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);
    }

    @Test
    void recentlyFailedHostGoesLastAndKnownWrongRoleAfterLikelyMatches() {
        registry.recordDown(A.label(), "connection refused");
        registry.recordUp(B.label(), ServerRole.STANDBY);
        registry.recordUp(C.label(), ServerRole.PRIMARY);
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(C, B, A);
        assertThat(order(TargetSessionAttrs.STANDBY)).containsExactly(B, C, A);
    }

    /** A full host (53300) is up, but could not take a session lately: tried last, as a down one, and not stuck to. */
    @Test
    void aFullHostIsTriedLastAndLosesTheStickyPlace() {
        registry.recordConnected(A.label(), ServerRole.PRIMARY, TargetSessionAttrs.READ_WRITE);
        registry.recordUp(C.label(), ServerRole.PRIMARY);
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);
        registry.recordFull(A.label(), "server error 53300");
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(B, C, A);
        assertThat(order(TargetSessionAttrs.ANY)).containsExactly(B, C, A);
    }

    /**
     * A host a connect's deadline cut short (slow or silent, not found down) goes after the hosts that may answer,
     * ahead of those known to have the wrong role or to be down; anything learned of it afterwards counts instead.
     */
    @Test
    void aHostCutShortByAConnectsDeadlineGoesAfterTheHostsThatMayAnswer() {
        registry.recordCutOff(A.label());
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(B, C, A);

        registry.recordUp(B.label(), ServerRole.STANDBY);
        registry.recordDown(C.label(), "connection refused");
        clock.advance(Duration.ofMillis(1));
        registry.recordCutOff(A.label());
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);

        clock.advance(Duration.ofMillis(1));
        registry.recordUp(A.label(), ServerRole.PRIMARY);
        registry.recordCutOff(B.label());
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);
        assertThat(registry.status(B.label()).state()).as("cut short is no status").isEqualTo(io.pgconn.HostStatus.State.UP);

        clock.advance(RECHECK.plusMillis(1));
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);
    }

    /**
     * New user 12 H1: after a failover the pool's connects reached B; A came back as a second primary (no pg_rewind).
     * Read-write and primary connects keep trying B first while its latest word is "up as primary" — fresh or not —
     * instead of failing back to A by host order.
     */
    @Test
    void readWriteAndPrimaryConnectsStickToTheHostTheLastOneReachedWhileItIsUpInAnAcceptedRole() {
        registry.recordDown(A.label(), "connection refused");
        registry.recordConnected(B.label(), ServerRole.PRIMARY, TargetSessionAttrs.READ_WRITE);
        registry.recordConnected(B.label(), ServerRole.PRIMARY, TargetSessionAttrs.PRIMARY);
        registry.recordUp(A.label(), ServerRole.PRIMARY); // the old primary is back, as a primary
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(B, A, C);
        assertThat(order(TargetSessionAttrs.PRIMARY)).containsExactly(B, A, C);

        clock.advance(RECHECK.plusMillis(1));
        assertThat(order(TargetSessionAttrs.READ_WRITE)).as("stale memory of B does not give A back its place").containsExactly(B, A, C);
    }

    @Test
    void theStickyHostFoundDownDemotedOrCutShortLosesItsPlace() {
        registry.recordConnected(B.label(), ServerRole.PRIMARY, TargetSessionAttrs.READ_WRITE);
        registry.recordUp(B.label(), ServerRole.READ_ONLY_PRIMARY); // a planned switchback: B demoted
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, C, B);

        registry.recordUp(B.label(), ServerRole.PRIMARY);
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(B, A, C);
        registry.recordDown(B.label(), "connection refused");
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, C, B);

        registry.recordUp(B.label(), ServerRole.PRIMARY);
        clock.advance(Duration.ofMillis(1));
        registry.recordCutOff(B.label());
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, C, B);

        clock.advance(Duration.ofMillis(1));
        registry.recordConnected(C.label(), ServerRole.PRIMARY, TargetSessionAttrs.READ_WRITE);
        assertThat(order(TargetSessionAttrs.READ_WRITE)).as("the last connect decides").containsExactly(C, A, B);
    }

    /**
     * Stickiness keeps writes on one primary: targets that do not ask for one, random load balancing (no host
     * preferred by request) and hostRecheckInterval=0 (no reordering) keep their order.
     */
    @Test
    void otherTargetsRandomBalancingAndNoRecheckIntervalDoNotStick() {
        for (TargetSessionAttrs target : TargetSessionAttrs.values()) {
            registry.recordConnected(C.label(), ServerRole.PRIMARY, target);
        }
        assertThat(order(TargetSessionAttrs.ANY)).containsExactly(A, B, C);
        assertThat(order(TargetSessionAttrs.PREFER_STANDBY)).containsExactly(A, B, C);
        assertThat(HostOrder.order(List.of(A, B, C), LoadBalanceHosts.DISABLE, new Random(1), registry, TargetSessionAttrs.READ_WRITE,
                Duration.ZERO)).containsExactly(A, B, C);
        Set<HostSpec> firsts = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            firsts.add(HostOrder.order(List.of(A, B, C), LoadBalanceHosts.RANDOM, random, registry, TargetSessionAttrs.READ_WRITE, RECHECK).get(0));
        }
        assertThat(firsts).containsExactlyInAnyOrder(A, B, C);
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(C, A, B);
    }

    @Test
    void staleMemoryNoLongerReorders() {
        registry.recordDown(A.label(), "connection refused");
        registry.recordUp(B.label(), ServerRole.STANDBY);
        clock.advance(RECHECK.plusMillis(1));
        assertThat(order(TargetSessionAttrs.READ_WRITE)).containsExactly(A, B, C);
    }

    @Test
    void memoryNeverRemovesAHost() {
        registry.recordDown(A.label(), "x");
        registry.recordDown(B.label(), "y");
        registry.recordDown(C.label(), "z");
        assertThat(order(TargetSessionAttrs.ANY)).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void randomLoadBalancingReachesEveryPermutationStart() {
        Random random = new Random(42);
        Set<HostSpec> firsts = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            firsts.add(HostOrder.order(List.of(A, B, C), LoadBalanceHosts.RANDOM, random, registry, TargetSessionAttrs.ANY, RECHECK).get(0));
        }
        assertThat(firsts).containsExactlyInAnyOrder(A, B, C);
    }

    private List<HostSpec> order(TargetSessionAttrs target) {
        return HostOrder.order(List.of(A, B, C), LoadBalanceHosts.DISABLE, new Random(1), registry, target, RECHECK);
    }
}
