package io.pgconn.internal.session;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session gate: a caller takes the close only while nothing is submitted, queued or in flight; a caller owns the
 * session (a statement started on its thread) only while, in addition, the loop is outside the session's code; and
 * the loop's doors wait for an owner's release.
 */
class SessionGateTest {

    private final SessionGate gate = new SessionGate();

    @Test
    void aCallerTakesTheCloseOfAnIdleSessionAndNothingStartsAfter() {
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.closedByCaller()).isTrue();
        assertThat(gate.submitting()).as("a submit after the caller's close fails as closed").isFalse();
        assertThat(gate.closeIfIdle()).isFalse();
    }

    @Test
    void aSubmitNotYetQueuedKeepsTheCloseOnTheLoop() {
        assertThat(gate.submitting()).isTrue();
        assertThat(gate.closeIfIdle()).as("submitted, its task not run yet").isFalse();
        gate.queued();
        assertThat(gate.closeIfIdle()).as("queued: the loop has work").isFalse();
        gate.quiet();
        assertThat(gate.closeIfIdle()).as("answered and nothing left").isTrue();
    }

    @Test
    void theLoopHoldsOneCountHoweverMuchItHasAndSubmitsInFlightStillCount() {
        gate.submitting();
        gate.queued();
        gate.submitting();
        gate.queued();
        gate.submitting(); // a third, its task not run yet
        gate.quiet(); // the loop found itself quiet meanwhile (the third not queued yet)
        assertThat(gate.closeIfIdle()).isFalse();
        gate.queued();
        assertThat(gate.closeIfIdle()).isFalse();
        gate.quiet();
        gate.quiet(); // twice: the second changes nothing
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.closedByCaller()).isTrue();
    }

    @Test
    void aLoopCloseIsNotACallersClose() {
        assertThat(gate.closedByCaller()).isFalse();
        gate.submitting();
        assertThat(gate.closeIfIdle()).isFalse();
        assertThat(gate.closedByCaller()).isFalse();
    }

    @Test
    void aCallerOwnsOnlyAnIdleSessionWhoseLoopIsOutsideTheSessionsCode() {
        gate.submitting();
        assertThat(gate.own(0)).as("a submit not yet queued").isFalse();
        gate.enter();
        gate.queued();
        assertThat(gate.own(0)).as("the loop has work").isFalse();
        gate.quiet(); // inside the answer's read, before the completion
        assertThat(gate.state()).isEqualTo(SessionGate.INSIDE);
        assertThat(gate.own(1_000)).as("the loop is still in the session's code after its count went").isFalse();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.own(0)).isTrue();
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED);
        assertThat(gate.own(0)).as("one owner at a time").isFalse();
        assertThat(gate.closeIfIdle()).as("owned: the close goes the loop's way").isFalse();
    }

    @Test
    void aCallersCloseNeedsOnlyNothingToAnswerEvenWithTheLoopStillInside() {
        gate.submitting();
        gate.enter();
        gate.queued();
        gate.quiet();
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.own(0)).as("closed: nobody owns it any more").isFalse();
        assertThat(gate.submitting()).isFalse();
        gate.exit();
        assertThat(gate.state()).isEqualTo(SessionGate.CLOSED);
    }

    @Test
    void nothingIsOwnedAfterTheCallersClose() {
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.own(0)).isFalse();
        gate.enter(); // the loop's close event after the caller's close: no owner can come, nothing to wait for
        gate.exit();
        assertThat(gate.closedByCaller()).isTrue();
    }

    @Test
    void theOwnerReleasesIntoTheLoopsWorkAndSubmitsCountedMeanwhileStay() {
        assertThat(gate.own(0)).isTrue();
        assertThat(gate.submitting()).as("another thread's submit counts itself in while the session is owned").isTrue();
        gate.startedByOwner();
        gate.releaseOwned(true);
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP | 1);
        gate.enter();
        gate.queued(); // the other submit, queued behind the owner's request
        gate.quiet();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.ownedStarts()).isEqualTo(1);
    }

    @Test
    void anOwnerWhoseRequestStayedNowhereGivesTheSessionBackIdle() {
        assertThat(gate.own(0)).isTrue();
        gate.releaseOwned(false);
        assertThat(gate.state()).isZero();
        assertThat(gate.ownedStarts()).as("given back without a start").isZero();
        assertThat(gate.closeIfIdle()).isTrue();
    }

    @Test
    void aQuietOutsideEveryDoorLeavesNoMarkAndNestedDoorsClearItOnce() {
        gate.submitting();
        gate.enter();
        gate.enter(); // nested: a callback's own door
        gate.queued();
        gate.quiet();
        gate.exit();
        assertThat(gate.state()).as("still inside the outer door").isEqualTo(SessionGate.INSIDE);
        assertThat(gate.loopInside()).isTrue();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.loopInside()).isFalse();
    }

    @Test
    void theLoopsDoorAndItsQueueingWaitForTheOwnersRelease() throws Exception {
        assertThat(gate.own(0)).isTrue();
        CountDownLatch entering = new CountDownLatch(1);
        CompletableFuture<Integer> loop = CompletableFuture.supplyAsync(() -> {
            entering.countDown();
            gate.enter(); // an answer's read, a task: waits
            int seen = gate.state();
            gate.exit();
            assertThat(gate.submitting()).isTrue();
            gate.enter();
            gate.queued();
            gate.exit();
            return seen;
        });
        entering.await();
        Thread.sleep(20); // time to reach its door (not observable: it spins); had it not waited, it would be done now
        assertThat(loop).as("waiting for the owner").isNotDone();
        gate.releaseOwned(true);
        assertThat(loop.get(10, TimeUnit.SECONDS)).as("what the loop read at its door").isEqualTo(SessionGate.LOOP);
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP);
    }
}
