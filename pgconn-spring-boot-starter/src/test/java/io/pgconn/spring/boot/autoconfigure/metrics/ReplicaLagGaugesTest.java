package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.replica.lag(.bytes)} exist only for a host that is a standby with a measured lag (closing-note-29 item
 * 7): a gauge per configured host read NaN for the primary, so the tagless aggregate — what
 * {@code /actuator/metrics/pg.conn.replica.lag} shows, the sum over the hosts — always read "NaN".
 */
class ReplicaLagGaugesTest {

    private static final HostSpec PRIMARY = HostSpec.of("db1.test.invalid", 5432);
    private static final HostSpec STANDBY = HostSpec.of("db2.test.invalid", 5433);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final ReplicaLags lags = new ReplicaLags();

    @Test
    void aGaugeExistsOnlyWhileItsHostIsAStandbyWithALag() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(PRIMARY, STANDBY)
                .user("app").build()).threads(1).build()) {
            new PgConnMeterBinder(Map.of("ordersPg", factory), new FailoverTrackers(), this.lags).bindTo(this.registry);
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).as("no standby measured yet").isEmpty();
            assertThat(this.registry.find("pg.conn.replica.lag.bytes").gauges()).isEmpty();

            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(4096L, 1.5, true, true, Instant.EPOCH));
            assertThat(this.registry.find("pg.conn.replica.lag").tag("name", "ordersPg").gauges())
                    .singleElement().satisfies(gauge -> {
                        assertThat(gauge.getId().getTag("host")).isEqualTo(STANDBY.label());
                        assertThat(gauge.getId().getBaseUnit()).isEqualTo("seconds");
                        assertThat(gauge.value()).isEqualTo(1.5);
                    });
            assertThat(sum("pg.conn.replica.lag")).as("the aggregate over hosts").isEqualTo(1.5);
            assertThat(sum("pg.conn.replica.lag.bytes")).isEqualTo(4096.0);
            assertThat(this.registry.find("pg.conn.replica.lag").tag("host", PRIMARY.label()).gauges())
                    .as("the primary has no lag gauge").isEmpty();

            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(0L, 0.0, false, true, Instant.EPOCH));
            assertThat(sum("pg.conn.replica.lag")).as("a new measurement read live").isZero();
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).hasSize(1);

            this.lags.unknown(factory, STANDBY.label()); // promoted, or down
            this.lags.measured(factory, PRIMARY.label(), new ReplicaLag(8L, 0.25, false, true, Instant.EPOCH)); // demoted
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).singleElement()
                    .satisfies(gauge -> assertThat(gauge.getId().getTag("host")).isEqualTo(PRIMARY.label()));
            assertThat(sum("pg.conn.replica.lag.bytes")).isEqualTo(8.0);

            this.lags.forget(factory); // its health monitor closed
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).isEmpty();
            assertThat(this.registry.find("pg.conn.replica.lag.bytes").gauges()).isEmpty();
        }
    }

    @Test
    void aStandbyMeasuredBeforeTheBindingHasItsGaugeAtOnce() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(PRIMARY, STANDBY)
                .user("app").build()).threads(1).build()) {
            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(1L, 0.0, false, true, Instant.EPOCH));
            new PgConnMeterBinder(Map.of("ordersPg", factory), new FailoverTrackers(), this.lags).bindTo(this.registry);
            assertThat(sum("pg.conn.replica.lag.bytes")).isEqualTo(1.0);
        }
    }

    /**
     * REVIEW-31 R31-3: a standby restoring from an archive only has no {@code bytes}, one that replayed no transaction
     * since it started no {@code seconds}; a row for it read NaN, and so did the tagless aggregate. Each meter has a row
     * only where its value is known, and follows the value appearing and going.
     */
    @Test
    void aMeterHasNoGaugeForAStandbyWhoseLagLacksItsValue() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(PRIMARY, STANDBY)
                .user("app").build()).threads(1).build()) {
            new PgConnMeterBinder(Map.of("ordersPg", factory), new FailoverTrackers(), this.lags).bindTo(this.registry);

            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(null, 2.0, false, false, Instant.EPOCH)); // archive only
            assertThat(this.registry.find("pg.conn.replica.lag.bytes").gauges()).as("no streaming: no bytes").isEmpty();
            assertThat(sum("pg.conn.replica.lag")).isEqualTo(2.0);

            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(64L, null, false, true, Instant.EPOCH)); // streams now
            assertThat(this.registry.find("pg.conn.replica.lag.bytes").gauges()).singleElement()
                    .satisfies(gauge -> assertThat(gauge.getId().getTag("host")).isEqualTo(STANDBY.label()));
            assertThat(sum("pg.conn.replica.lag.bytes")).isEqualTo(64.0);
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).as("no transaction replayed: no seconds")
                    .isEmpty();

            this.lags.measured(factory, PRIMARY.label(), new ReplicaLag(null, null, false, false, Instant.EPOCH));
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).isEmpty();
            assertThat(this.registry.find("pg.conn.replica.lag.bytes").gauges()).singleElement()
                    .satisfies(gauge -> assertThat(gauge.getId().getTag("host")).isEqualTo(STANDBY.label()));

            this.lags.measured(factory, STANDBY.label(), new ReplicaLag(0L, 0.0, false, true, Instant.EPOCH));
            assertThat(sum("pg.conn.replica.lag")).isZero();
            assertThat(sum("pg.conn.replica.lag.bytes")).isZero();
            assertThat(this.registry.find("pg.conn.replica.lag").gauges()).hasSize(1);
        }
    }

    /** What {@code /actuator/metrics/<name>} without a tag shows for gauges: their values summed. */
    private double sum(String name) {
        return this.registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
    }
}
