package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the health monitors keep each standby's lag, and who hears when a factory's set of standbys changes. */
class ReplicaLagsTest {

    private static final HostSpec STANDBY = HostSpec.of("db2.test.invalid", 5433);

    private static final ReplicaLag LAG = new ReplicaLag(4096L, 1.5, false, true, Instant.EPOCH);

    private final ReplicaLags lags = new ReplicaLags();

    /**
     * Closing-note-30: the listeners stayed registered after the factory's monitor closed, holding the factory and its
     * gauges for the application's life. Forgotten, a factory's listeners hear the standbys go and then nothing more.
     */
    @Test
    void aForgottenFactorysListenersHearItsStandbysGoAndAreDropped() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(STANDBY).user("app").build())
                .threads(1).build()) {
            AtomicInteger told = new AtomicInteger();
            this.lags.onStandbysChanged(factory, told::incrementAndGet);
            this.lags.measured(factory, STANDBY.label(), LAG);
            assertThat(told).as("a standby with a lag").hasValue(1);

            this.lags.forget(factory);
            assertThat(told).as("its standbys gone").hasValue(2);
            assertThat(this.lags.standbys(factory)).isEmpty();

            this.lags.measured(factory, STANDBY.label(), LAG);
            this.lags.unknown(factory, STANDBY.label());
            assertThat(told).as("nothing heard once the factory is forgotten").hasValue(2);
        }
    }

    /**
     * REVIEW-31 R31-3: the gauges show a meter only for a lag that has its value, so they hear when a value appears or
     * goes — a standby that starts streaming, replays its first transaction — and not when it merely changes.
     */
    @Test
    void listenersHearALagGainOrLoseAValueNotANewValue() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(STANDBY).user("app").build())
                .threads(1).build()) {
            AtomicInteger told = new AtomicInteger();
            this.lags.onStandbysChanged(factory, told::incrementAndGet);
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(null, null, false, false, Instant.EPOCH));
            assertThat(told).hasValue(1);
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(null, 3.0, false, false, Instant.EPOCH));
            assertThat(told).as("seconds known now").hasValue(2);
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(16L, 3.0, false, true, Instant.EPOCH));
            assertThat(told).as("bytes known now").hasValue(3);
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(32L, 4.0, true, true, Instant.EPOCH));
            assertThat(told).as("new values, none gained or lost").hasValue(3);
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(null, 4.0, false, false, Instant.EPOCH));
            assertThat(told).as("bytes gone").hasValue(4);
        }
    }

    @Test
    void aFactoryForgottenWithoutAStandbyTellsNothing() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(STANDBY).user("app").build())
                .threads(1).build()) {
            AtomicInteger told = new AtomicInteger();
            this.lags.onStandbysChanged(factory, told::incrementAndGet);
            this.lags.forget(factory);
            this.lags.measured(factory, STANDBY.label(), LAG);
            assertThat(told).hasValue(0);
        }
    }
}
