package io.pgconn.internal.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The idle gate's counting: a caller takes the close only while nothing is submitted, queued or in flight. */
class IdleCloseGateTest {

    private final IdleCloseGate gate = new IdleCloseGate();

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
}
