package io.pgconn.spring.boot.autoconfigure.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-28 F1: a standby whose replay is paused fell 751 orders behind while health said {@code up}/{@code standby}
 * and no meter moved. On a real primary and streaming standby, probed with the application's own login (no superuser,
 * no {@code pg_monitor}): the standby's {@code hosts} entry shows {@code replicaLag} (0 bytes and seconds while it keeps
 * up), then, with replay paused by the testkit's superuser and rows written on the primary, the bytes and seconds it is
 * behind and {@code replayPaused}; {@code pg.conn.replica.lag} and {@code pg.conn.replica.lag.bytes} (tags name, host)
 * read the same, the primary has none (so their tagless aggregate is a number); after the resume both go back to 0. With the primary stopped, the standby shows
 * {@code receiving: false}: its lag no longer says how far the primary is ahead.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.startup-check=none", "pg.conn.pool.enabled=false",
        "pg.conn.health.host-check-interval=100ms" })
class ReplicaLagHealthIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-replica-lag", 1);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private MeterRegistry meters;

    @AfterEach
    void resumeReplay() {
        PG.standby(0).execute("SELECT pg_catalog.pg_wal_replay_resume()");
    }

    @Test
    void theStandbysReplayLagIsInHealthAndMetersWhileReplayIsPausedAndGoesBackToZero() {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        String lp = StarterCluster.label(primary);
        String ls = StarterCluster.label(standby);
        assertThat(primary.queryValue("SELECT rolsuper FROM pg_roles WHERE rolname = '" + StarterCluster.USER + "'"))
                .as("the probes log in as a role without privileges").isEqualTo("f");
        primary.execute("CREATE TABLE IF NOT EXISTS lag_drill (id serial PRIMARY KEY, note text)");
        // a commit replayed since the standby started: seconds behind needs pg_last_xact_replay_timestamp() (R29-6)
        awaitCondition("the table replayed on the standby", STEP,
                () -> "t".equals(standby.queryValue("SELECT pg_catalog.to_regclass('lag_drill') IS NOT NULL")));

        Health caughtUp = HealthDetails.await(this.pgConnHealthContributor, "the standby's lag 0", STEP,
                h -> Long.valueOf(0).equals(lag(h, ls).get("bytes")) && Double.valueOf(0).equals(lag(h, ls).get("seconds")));
        assertThat(lag(caughtUp, ls)).containsEntry("replayPaused", false).containsEntry("receiving", true)
                .containsKey("measuredAt");
        assertThat(HealthDetails.host(caughtUp, lp)).doesNotContainKey("replicaLag");

        standby.execute("SELECT pg_catalog.pg_wal_replay_pause()");
        primary.execute("INSERT INTO lag_drill (note) SELECT 'row ' || n FROM generate_series(1, 1000) n");
        Health behind = HealthDetails.await(this.pgConnHealthContributor, "the standby behind, replay paused", STEP,
                h -> Boolean.TRUE.equals(lag(h, ls).get("replayPaused")) && lag(h, ls).get("bytes") instanceof Long bytes
                        && bytes > 0 && lag(h, ls).get("seconds") instanceof Double seconds && seconds > 0);
        assertThat(HealthDetails.host(behind, ls)).containsEntry("status", "up").containsEntry("role", "standby");
        assertThat(behind.getDetails()).containsEntry("activeHost", lp);
        awaitCondition("the lag gauges of the standby above 0", STEP,
                () -> gauge("pg.conn.replica.lag.bytes", ls) > 0 && gauge("pg.conn.replica.lag", ls) > 0);
        assertThat(this.meters.find("pg.conn.replica.lag").tag("host", lp).gauges()).as("the primary has no replica lag gauge")
                .isEmpty();
        assertThat(this.meters.find("pg.conn.replica.lag.bytes").tag("host", lp).gauges()).isEmpty();
        assertThat(this.meters.find("pg.conn.replica.lag").gauges()).as("the aggregate over hosts is a number")
                .allSatisfy(g -> assertThat(g.value()).isNotNaN());
        assertThat(this.meters.get("pg.conn.replica.lag").tag("name", "pgConnectionFactory").tag("host", ls).gauge().getId()
                .getBaseUnit()).isEqualTo("seconds");

        standby.execute("SELECT pg_catalog.pg_wal_replay_resume()");
        HealthDetails.await(this.pgConnHealthContributor, "the standby caught up", STEP,
                h -> Long.valueOf(0).equals(lag(h, ls).get("bytes")) && Double.valueOf(0).equals(lag(h, ls).get("seconds"))
                        && Boolean.FALSE.equals(lag(h, ls).get("replayPaused")));
        awaitCondition("the lag gauges of the standby at 0", STEP,
                () -> gauge("pg.conn.replica.lag.bytes", ls) == 0 && gauge("pg.conn.replica.lag", ls) == 0);
        assertThat(standby.queryValue("SELECT count(*) FROM lag_drill")).isEqualTo(primary.queryValue("SELECT count(*) FROM lag_drill"));

        primary.stop(); // the standby's WAL receiver loses its upstream: what it has not received, no lag can count
        Health cutOff = HealthDetails.await(this.pgConnHealthContributor, "the standby without a WAL receiver", STEP,
                h -> Boolean.FALSE.equals(lag(h, ls).get("receiving")));
        assertThat(HealthDetails.host(cutOff, ls)).containsEntry("status", "up").containsEntry("role", "standby");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lag(Health health, String host) {
        Object lag = HealthDetails.host(health, host).get("replicaLag");
        return lag == null ? Map.of() : (Map<String, Object>) lag;
    }

    /** The gauge's value; NaN while there is none (the host is no standby with a measured lag). */
    private double gauge(String name, String host) {
        Gauge gauge = this.meters.find(name).tag("name", "pgConnectionFactory").tag("host", host).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }
}
