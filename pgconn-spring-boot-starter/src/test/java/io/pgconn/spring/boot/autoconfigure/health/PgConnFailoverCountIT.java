package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.concurrent.TimeUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failover count has one source, the health monitors' view, so it never runs ahead of the
 * {@code activeHost} health shows. The sequence EmbeddedFailoverIT met, made deterministic with a
 * one-hour {@code host-check-interval} (one probe round at start, none after): the primary crashes,
 * the standby is promoted, and the application's next connect lands on it while the monitors'
 * view still shows the old primary up. Health then reports that primary with {@code failovers: 0},
 * and so does the meter. Fed by connects too, the count read 1 next to the old primary (and the
 * monitors' next view flipped it back and forth: 3 failovers for one promotion).
 */
@SpringBootTest(classes = TestApplication.class, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=1h" })
class PgConnFailoverCountIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-failover-count", 1);

    @Autowired
    private PgConnectionFactory factory;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void aConnectThatLandsOnThePromotedStandbyBeforeTheMonitorsSeeItCountsNothingYet() throws Exception {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        PgConnection first = this.factory.connect().get(10, TimeUnit.SECONDS);
        assertThat(first.host()).isEqualTo(StarterCluster.label(primary));
        first.close();
        Health before = ((HealthIndicator) this.pgConnHealthContributor).health(true); // waits for the one probe round
        assertThat(before.getDetails()).containsEntry("activeHost", StarterCluster.label(primary))
                .containsEntry("failovers", 0L);

        primary.stop(StopMode.IMMEDIATE);
        standby.promote();
        PgConnection moved = this.factory.connect().get(10, TimeUnit.SECONDS);
        assertThat(moved.host()).as("the application's connect sees the promotion").isEqualTo(StarterCluster.label(standby));
        moved.close();

        Health after = ((HealthIndicator) this.pgConnHealthContributor).health(true);
        assertThat(after.getDetails()).as("the monitors have not probed since: their view is the one shown")
                .containsEntry("activeHost", StarterCluster.label(primary))
                .containsEntry("failovers", 0L);
        assertThat(this.meters.find("pg.conn.failovers").tag("name", "pgConnectionFactory").functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum())
                .as("the meter reads the same count").isZero();
    }
}
