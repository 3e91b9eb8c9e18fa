package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.spring.boot.autoconfigure.health.HealthDetails;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-28 F2 on a real primary + standby: the starter README's reads pool ({@code PgConnPoolBuilders}) shows in
 * {@code readsPg}'s health on which host its sessions are ({@code sessionsByHost}: the standby) — which instances read
 * from a lagging standby — and, after the standby ended its session, the eviction by reason ({@code closed}) in health
 * and in {@code pg.conn.pool.evictions{name=readsPool}}, as the starter's pool does. Before, the recipe's pool showed
 * only acquired/idle/pending/allocated/max and had no evictions meter.
 */
@SpringBootTest(classes = { TestApplication.class, ReadsOnTheStandbyRecipeTest.ReadsOnTheStandby.class },
        webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write", "pg.conn.database=postgres",
        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0",
        "pg.conn.health.host-check-interval=1h" })
class ReadsPoolHealthIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-reads-pool-health", 1);

    @Autowired
    @Qualifier("reads")
    private DatabaseClient reads;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void theReadsPoolShowsItsSessionsOnTheStandbyAndCountsAnEvictionInHealthAndMeter() {
        String standby = StarterCluster.label(PG.standby(0));
        Integer pid = this.reads.sql("SELECT pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block(STEP);
        Health onStandby = HealthDetails.await(readsHealth(), "the reads pool's session on the standby", STEP,
                h -> Map.of(standby, 1).equals(readsPool(h).get("sessionsByHost")));
        assertThat(readsPool(onStandby)).containsKey("evictions");

        PG.standby(0).execute("SELECT pg_terminate_backend(" + pid + ")");
        HealthDetails.await(readsHealth(), "the ended session counted no more", STEP,
                h -> Map.of().equals(readsPool(h).get("sessionsByHost")));
        assertThat(this.reads.sql("SELECT pg_is_in_recovery()").map(row -> row.get(0, Boolean.class)).one().block(STEP))
                .as("the next read on a new session, on the standby").isTrue();

        Health evicted = HealthDetails.await(readsHealth(), "the eviction counted", STEP,
                h -> readsPool(h).get("evictions") instanceof Map<?, ?> byReason && Long.valueOf(1).equals(byReason.get("closed")));
        assertThat(readsPool(evicted).get("sessionsByHost")).isEqualTo(Map.of(standby, 1));
        assertThat(this.meters.get("pg.conn.pool.evictions").tag("name", "readsPool").tag("reason", "closed")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(this.meters.get("pg.conn.pool.evictions").tag("name", "connectionFactory").tag("reason", "closed")
                .functionCounter().count()).as("the writes' pool counts its own").isZero();
        assertThat(evicted.toString()).doesNotContain(StarterCluster.PASSWORD);
    }

    private HealthContributor readsHealth() {
        return ((CompositeHealthContributor) this.pgConnHealthContributor).getContributor("readsPg");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readsPool(Health health) {
        Map<String, Map<String, Object>> pools = (Map<String, Map<String, Object>>) health.getDetails().get("pools");
        return pools == null || pools.get("readsPool") == null ? Map.of() : pools.get("readsPool");
    }
}
