package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EvictionConsumers}: each consumer told on its own; a failing one logged once, without its message. */
class EvictionConsumersTest {

    @Test
    void everyConsumerIsToldAfterOneThrowsAndEachFailingConsumerIsLoggedOnce() {
        List<String> told = new ArrayList<>();
        Consumer<String> failing = reason -> {
            throw new IllegalArgumentException("password=hunter2");
        };
        EvictionConsumers consumers = EvictionConsumers.of("tenant-7", List.of(failing, told::add, reason -> {
            throw new IllegalStateException("second");
        }));
        List<LogRecord> warnings = PoolLeaseChecks.captureWarnings(EvictionConsumers.class, () -> {
            consumers.accept("closed");
            consumers.accept("role");
        });
        assertThat(told).containsExactly("closed", "role");
        assertThat(warnings).extracting(LogRecord::getMessage).hasSize(2).satisfiesExactly(
                first -> assertThat(first).contains("eviction consumer 1 of 3 of pool tenant-7 threw "
                        + IllegalArgumentException.class.getName() + " at " + EvictionConsumersTest.class.getName(), "'closed'")
                        .doesNotContain("hunter2"),
                third -> assertThat(third).contains("eviction consumer 3 of 3", IllegalStateException.class.getName()));
    }

    @Test
    void aSingleConsumerIsGuardedOnceAndAGuardedOneIsNotWrappedAgain() {
        List<String> told = new ArrayList<>();
        EvictionConsumers guarded = EvictionConsumers.guarding(told::add);
        assertThat(EvictionConsumers.guarding(guarded)).isSameAs(guarded);
        guarded.accept("host-down");
        assertThat(told).containsExactly("host-down");
    }
}
