package io.pgconn.spring.boot.autoconfigure.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-24 F4 on a real primary and standby behind ONE host label (a DNS name, a Kubernetes Service, a virtual IP —
 * here a {@link LoopbackForwarder} on one loopback port): a switchover — the primary stopped, the label moved to the
 * standby, the standby promoted — left {@code failovers} at 0 and {@code activeHost} the same label, so health showed
 * nothing of it although the writes had moved to another server. Now the label's probe session, which reached the
 * standby, answers as primary after the promotion: the server behind the active label changed, one failover is counted
 * (the endpoint, the {@code pg.conn.failovers} meter and one INFO line), and the host shows {@code serverChangedAt}.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=read-write", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=2",
        "pg.conn.pool.max-acquire-time=5s", "pg.conn.health.host-check-interval=200ms" })
class PgConnHealthSwitchoverBehindOneLabelIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-switchover-one-label", 1);

    /** The label; its server: the primary first. */
    private static final ForwardedLabel LABEL = new ForwardedLabel(() -> PG.primary().port());

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
    private HealthContributor pgConnHealthContributor;

    @Autowired
    private MeterRegistry meters;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSwitchoverBehindTheLabelIsOneFailoverAndTheHostSaysWhenItsServerChanged(CapturedOutput output) {
        String label = LABEL.label();
        awaitHealth("the label up as the primary", h -> h.getStatus().equals(Status.UP) && "primary".equals(host(h, label).get("role")));
        assertThat(writeLandsOn()).isEqualTo(PG.primary().port());
        assertThat(health().getDetails()).containsEntry("activeHost", label).containsEntry("failovers", 0L);

        // the switchover: the operator moves the label to the standby and stops the old primary (its sessions end)
        LABEL.forwarder().repoint(PG.standby(0).port());
        PG.primary().stop(StopMode.FAST);
        awaitHealth("the label's new probe session on the standby", h -> "up".equals(host(h, label).get("status"))
                && "standby".equals(host(h, label).get("role")));
        PG.standby(0).promote();
        awaitHealth("health UP with the label a primary again", h -> h.getStatus().equals(Status.UP)
                && "primary".equals(host(h, label).get("role")));

        Health after = health();
        assertThat(after.getDetails()).as("the active label reaches another server: a failover")
                .containsEntry("activeHost", label).containsEntry("failovers", 1L).containsKey("lastFailoverAt");
        assertThat(host(after, label)).containsKey("serverChangedAt");
        assertThat(this.meters.get("pg.conn.failovers").tag("name", "pgConnectionFactory").tag("kind", "primary-to-primary")
                .functionCounter().count())
                .as("the meter reads the same count").isEqualTo(1.0);
        assertThat(output.getOut()).containsOnlyOnce("active host " + label + " reaches another server now (failover 1): it"
                + " answered as standby and answers as primary now");
        awaitCondition("a write through the pool on the promoted standby", STEP, () -> {
            try {
                return writeLandsOn() == PG.standby(0).port();
            } catch (RuntimeException sessionOfTheOldPrimary) {
                return false;
            }
        });
        assertThat(output.getAll()).doesNotContain(StarterCluster.PASSWORD);
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
