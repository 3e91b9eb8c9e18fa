package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SerializedEndTest {

    private final SerializedEnd signalling = new SerializedEnd();
    private final List<String> seen = new ArrayList<>();

    @Test
    void anEndFromAnotherThreadRunsAtOnceWhenNoSignalIsUnderWayAndNothingPassesAfterIt() {
        signalling.terminateFromAnotherThread(() -> seen.add("cut off"));

        assertThat(seen).containsExactly("cut off");
        assertThat(signalling.enter()).as("a later signal is dropped").isFalse();
    }

    @Test
    void anEndArrivingDuringASignalRunsWhenTheSignalLeaves() {
        assertThat(signalling.enter()).isTrue();
        seen.add("row");
        signalling.terminateFromAnotherThread(() -> seen.add("cut off"));
        assertThat(seen).as("not during the signal").containsExactly("row");

        signalling.leave();

        assertThat(seen).containsExactly("row", "cut off");
        assertThat(signalling.enter()).isFalse();
    }

    @Test
    void anEndArrivingDuringTheSubscribersOwnEndIsNotSignalled() {
        assertThat(signalling.enter()).isTrue();
        seen.add("complete");
        signalling.terminateFromAnotherThread(() -> seen.add("cut off"));
        signalling.leaveTerminated();

        assertThat(seen).containsExactly("complete");
    }

    @Test
    void anEndAfterTheSubscribersOwnEndIsNotSignalled() {
        assertThat(signalling.enter()).isTrue();
        signalling.leaveTerminated();

        signalling.terminateFromAnotherThread(() -> seen.add("cut off"));

        assertThat(seen).isEmpty();
    }

    @Test
    void signalsPassWhileNoEndCameFromAnotherThread() {
        for (int i = 0; i < 3; i++) {
            assertThat(signalling.enter()).isTrue();
            signalling.leave();
        }
    }
}
