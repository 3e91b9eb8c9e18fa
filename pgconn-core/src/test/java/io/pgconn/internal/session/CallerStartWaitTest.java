package io.pgconn.internal.session;

import io.pgconn.internal.query.SpinThenParkFuture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a caller starting a statement waits for the loop to leave the session's code: on one CPU it yields (the loop can
 * leave only on that CPU), on more it keeps its CPU (a yield beside busy threads costs a time slice, REVIEW-29 R29-11).
 */
class CallerStartWaitTest {

    @Test
    void onOneCpuTheWaitYieldsAndOnMoreItSpins() {
        assertThat(CallerStart.waitForTheLoop(1)).isSameAs(SpinThenParkFuture.YIELD);
        assertThat(CallerStart.waitForTheLoop(2)).isSameAs(SpinThenParkFuture.ON_SPIN_WAIT);
        assertThat(CallerStart.waitForTheLoop(64)).isSameAs(SpinThenParkFuture.ON_SPIN_WAIT);
    }
}
