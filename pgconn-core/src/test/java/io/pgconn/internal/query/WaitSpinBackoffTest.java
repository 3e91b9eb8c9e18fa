package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-off of {@code blockingWaitSpin}: two failed spins in a row start it, each further failure doubles the run of
 * waits that park (up to {@link WaitSpinBackoff#MOST_WAITS_PARKED}), the wait after a run spins as a probe, and a spin
 * that saw the answer ends it.
 */
class WaitSpinBackoffTest {

    private static final long SPIN = 100_000;

    @Test
    void oneFailedSpinDoesNotBackOffTwoInARowDo() {
        WaitSpinBackoff backoff = new WaitSpinBackoff(SPIN);
        assertThat(backoff.nextSpin()).isEqualTo(SPIN);
        backoff.spun(false);
        assertThat(backoff.backingOff()).isFalse();
        assertThat(backoff.nextSpin()).isEqualTo(SPIN);
        backoff.spun(true);
        assertThat(backoff.nextSpin()).isEqualTo(SPIN);
        backoff.spun(false); // one in a row again: the answered spin between reset the count
        assertThat(backoff.backingOff()).isFalse();
        assertThat(backoff.nextSpin()).isEqualTo(SPIN);
        backoff.spun(false);
        assertThat(backoff.backingOff()).isTrue();
        assertThat(backoff.nextSpin()).isZero();
        assertThat(backoff.nextSpin()).isEqualTo(SPIN); // the probe
    }

    @Test
    void eachFurtherFailedProbeDoublesTheParkedRunUpToItsMostAndAnAnsweredProbeEndsIt() {
        WaitSpinBackoff lasting = new WaitSpinBackoff(SPIN);
        List<Integer> lengths = new ArrayList<>();
        lasting.nextSpin();
        lasting.spun(false);
        for (int probe = 0; probe < 10; probe++) {
            long spin = lasting.nextSpin();
            assertThat(spin).isEqualTo(SPIN);
            lasting.spun(false);
            int parked = 0;
            while (lasting.backingOff()) {
                assertThat(lasting.nextSpin()).isZero();
                parked++;
            }
            lengths.add(parked);
        }
        assertThat(lengths).containsExactly(1, 2, 4, 8, 16, 32, 64, 64, 64, 64);
        assertThat(WaitSpinBackoff.MOST_WAITS_PARKED).isEqualTo(64);

        assertThat(lasting.nextSpin()).isEqualTo(SPIN);
        lasting.spun(true); // the load is gone: the probe saw the answer
        for (int i = 0; i < 3; i++) {
            assertThat(lasting.nextSpin()).isEqualTo(SPIN);
            assertThat(lasting.backingOff()).isFalse();
        }
    }

    @Test
    void noSpinSetNeverSpins() {
        assertThat(WaitSpinBackoff.NONE.spinNanos()).isZero();
        assertThat(WaitSpinBackoff.NONE.nextSpin()).isZero();
    }
}
