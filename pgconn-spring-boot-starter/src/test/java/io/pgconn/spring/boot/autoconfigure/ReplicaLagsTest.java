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
