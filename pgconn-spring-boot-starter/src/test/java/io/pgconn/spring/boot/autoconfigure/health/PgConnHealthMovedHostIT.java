package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnPoolEvictions;
import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static io.pgconn.testing.Conditions.awaitCondition;

/**
 * NEW-USER-24 F1 on a real primary and standby: one host label whose server the operator moves (a DNS name, a
 * Kubernetes Service, a virtual IP — here a {@link LoopbackForwarder} on one loopback port) from the standby it
 * still served after a switchover to the new primary. The health monitor's probe session stays on the standby (an
 * open connection does not follow the name); with a relogin interval of 60 s it kept answering {@code standby} for the
 * label: health {@code DOWN} although every new connect reached the primary, and the pool evicted each session on the
 * primary as {@code role} because host memory remembered the label a standby while the session's own
 * {@code in_hot_standby=off} said primary. Now: health {@code UP} with the label a primary within a few host checks
 * of the move (a new login as soon as the application's connects found the label a primary, or the backed-off early
 * login while no host qualifies), and no session evicted for its role.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=3",
        "pg.conn.pool.max-acquire-time=5s",
        "pg.conn.health.host-check-interval=200ms", "pg.conn.health.relogin-interval=60s" })
class PgConnHealthMovedHostIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** 50 host checks, far less than the 60-s relogin interval: the old monitor stays on the standby, and this fails. */
    private static final Duration MOVE_SEEN = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-moved-host", 1);

    /** The label; its server: the standby first (the name not yet moved after the switchover). */
    private static final ForwardedLabel LABEL = new ForwardedLabel(() -> PG.standby(0).port());

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        LABEL.register(registry);
    }

    @AfterAll
    static void closeForwarder() {
        LABEL.close();
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private PgConnPoolEvictions evictions;

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theLabelMovedToThePrimaryIsSeenAtTheNextChecksAndItsSessionsThereAreNotEvictedForTheirRole() {
        String label = LABEL.label();
        int primaryPort = PG.primary().port();
        awaitHealth("the label up as a standby, no host for read-write", h -> h.getStatus().equals(Status.DOWN)
                && "up".equals(host(h, label).get("status")) && "standby".equals(host(h, label).get("role")));

        LABEL.forwarder().repoint(primaryPort); // the operator moves the name to the new primary
        SoftAssertions soft = new SoftAssertions();
        long[] writes = new long[1];
        soft.check(() -> awaitCondition("health UP with the label a primary, within a few checks of the move", MOVE_SEEN, () -> {
            soft.assertThat(writeLandsOn()).as("a write through the pool").isEqualTo(primaryPort);
            writes[0]++;
            Health h = health();
            return h.getStatus().equals(Status.UP) && "primary".equals(host(h, label).get("role"));
        }));
        for (int i = 0; i < 20; i++) {
            soft.assertThat(writeLandsOn()).as("a write through the pool").isEqualTo(primaryPort);
        }
        soft.assertThat(this.evictions.count("role"))
                .as("sessions on the primary evicted for the role the label's memory had (%d writes while waiting)", writes[0])
                .isZero();
        soft.assertAll();
    }

    /** The server port a write through the pool ran on. */
    private int writeLandsOn() {
        return this.client.sql("SELECT inet_server_port(), txid_current()").map(row -> row.get(0, Integer.class)).one()
                .block(STEP);
    }

    private Health health() {
        return HealthDetails.of(this.pgConnHealthContributor);
    }

    private Health awaitHealth(String what, Predicate<Health> condition) {
        return HealthDetails.await(pgConnHealthContributor, what, STEP, condition);
    }
}
