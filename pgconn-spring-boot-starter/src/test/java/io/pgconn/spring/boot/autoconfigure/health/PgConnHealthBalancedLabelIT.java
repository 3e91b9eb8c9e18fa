package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.pgconn.spring.boot.autoconfigure.health.HealthDetails.host;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-26 R26-1 on a real primary and standby behind ONE label that spreads logins over both (an "any instance"
 * Service or a pooler over the cluster; here a {@link LoopbackForwarder} moved between them between the probe's
 * re-logins), target {@code any}: the label answers standby at one re-login and primary at the next, and each such flip
 * counted a failover. The probe asks each new session's server who it is ({@link ServerIdentity}): the same primary
 * again is no failover.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.target-session-attrs=any", "pg.conn.host-connect-timeout=2s",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=2",
        "pg.conn.health.host-check-interval=100ms", "pg.conn.health.relogin-interval=200ms" })
class PgConnHealthBalancedLabelIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-balanced-label", 1);

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
    private HealthContributor pgConnHealthContributor;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void reloginsThatLandOnTheStandbyThenOnTheSamePrimaryAreNoFailover(CapturedOutput output) {
        String label = LABEL.label();
        for (int flip = 0; flip < 3; flip++) {
            LABEL.forwarder().repoint(PG.primary().port());
            awaitRole(label, "primary");
            LABEL.forwarder().repoint(PG.standby(0).port());
            awaitRole(label, "standby");
        }
        LABEL.forwarder().repoint(PG.primary().port());
        awaitRole(label, "primary");

        assertThat(health().getDetails()).as("the same primary each time behind a balancing label: no failover")
                .containsEntry("activeHost", label).containsEntry("failovers", 0L);
        assertThat(output.getOut()).doesNotContain("reaches another server");
    }

    private void awaitRole(String label, String role) {
        awaitCondition("the label's probe to answer as " + role, STEP, () -> role.equals(host(health(), label).get("role")));
    }

    private Health health() {
        return HealthDetails.of(this.pgConnHealthContributor);
    }
}
