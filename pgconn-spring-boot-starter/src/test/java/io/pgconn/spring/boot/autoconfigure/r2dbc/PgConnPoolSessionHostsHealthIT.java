package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.spring.boot.autoconfigure.health.HealthDetails;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
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
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pgConn} health's pool entry says which hosts its open sessions are on ({@code sessionsByHost}), so that
 * after a failover a user sees the pool moved: before, {@code acquired}/{@code idle}/{@code allocated} counted them and
 * nothing said where. A real primary and standby: the pool warmed up on the primary, the primary stopped, the standby
 * promoted, a write through the pool — then its sessions are all on the promoted host, and the health text holds host
 * labels and counts, no credential.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=3", "pg.conn.pool.max-size=3",
        "pg.conn.health.host-check-interval=100ms" })
class PgConnPoolSessionHostsHealthIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-pool-session-hosts", 1);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Test
    void afterAFailoverThePoolEntryShowsItsSessionsOnTheNewPrimary() {
        PgServer a = PG.primary();
        PgServer b = PG.standby(0);
        String la = StarterCluster.label(a);
        String lb = StarterCluster.label(b);
        pool.warmup().block(STEP);
        Health before = awaitHealth("the pool's 3 sessions on a", h -> Map.of(la, 3).equals(sessionsByHost(h)));
        assertThat(before.getDetails()).containsEntry("activeHost", la);

        a.stop(); // fast: its sessions end with 57P01
        b.promote();
        awaitHealth("b active", h -> lb.equals(h.getDetails().get("activeHost")));
        assertThat(client.sql("SELECT inet_server_port()::text, txid_current()").map(row -> row.get(0, String.class)).one()
                .block(STEP)).isEqualTo(String.valueOf(b.port()));

        Health after = awaitHealth("the pool's sessions on b only", h -> sessionsByHost(h).keySet().equals(Set.of(lb)));
        assertThat((Integer) sessionsByHost(after).get(lb)).isBetween(1, 3);
        assertThat(after.toString()).doesNotContain(StarterCluster.PASSWORD).doesNotContain(StarterCluster.USER + ":");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sessionsByHost(Health health) {
        Map<String, Map<String, Object>> pools = (Map<String, Map<String, Object>>) health.getDetails().get("pools");
        Object byHost = pools == null ? null : pools.get(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME).get("sessionsByHost");
        return byHost == null ? Map.of() : (Map<String, Object>) byHost;
    }

    private Health awaitHealth(String what, Predicate<Health> condition) {
        return HealthDetails.await(pgConnHealthContributor, what, STEP, condition);
    }
}
