package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 20 F8 on a real primary + standby: the recipe's reads factory ({@code prefer-standby}) settles on the
 * standby at start with {@code failovers: 0} (it logged and counted "failover 1" when the primary's first probe
 * answered before the standby's), and has {@code pg.conn.connections.active} and {@code pg.conn.failovers} under its
 * bean name (a non-default candidate, it had none).
 */
@SpringBootTest(classes = { TestApplication.class, ReadsOnTheStandbyRecipeTest.ReadsOnTheStandby.class }, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write", "pg.conn.database=postgres",
        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=1h" })
class ReadsOnTheStandbyRecipeFailoverIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-reads-failover", 1);

    @Autowired
    @Qualifier("reads")
    private PgConnectionFactory reads;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void theReadsFactorySettlesOnTheStandbyWithoutAFailoverAndHasItsMeters() throws Exception {
        String standby = StarterCluster.label(PG.standby(0));
        PgConnection connection = this.reads.connect().get(10, TimeUnit.SECONDS);
        try {
            assertThat(connection.host()).isEqualTo(standby);
            Health health = ((HealthIndicator) ((CompositeHealthContributor) this.pgConnHealthContributor)
                    .getContributor("readsPg")).health(true); // waits for the one probe round
            assertThat(health.getDetails()).containsEntry("activeHost", standby).containsEntry("failovers", 0L)
                    .doesNotContainKey("lastFailoverAt");
            assertThat(this.meters.find("pg.conn.failovers").tag("name", "readsPg").functionCounters())
                    .allMatch(counter -> counter.count() == 0).hasSize(4);
            assertThat(this.meters.get("pg.conn.connections.active").tag("name", "readsPg").gauge().value()).isEqualTo(1.0);
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
