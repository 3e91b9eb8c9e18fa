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
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    private static LoopbackForwarder forwarder;

    private static synchronized LoopbackForwarder forwarder() {
        if (forwarder == null) {
            forwarder = LoopbackForwarder.to(PG.primary().port());
        }
        return forwarder;
    }

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> "127.0.0.1:" + forwarder().port());
        registry.add("pg.conn.username", () -> StarterCluster.USER);
        registry.add("pg.conn.password", () -> StarterCluster.PASSWORD);
    }

    @AfterAll
    static void closeForwarder() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void reloginsThatLandOnTheStandbyThenOnTheSamePrimaryAreNoFailover(CapturedOutput output) {
        String label = "127.0.0.1:" + forwarder().port();
        for (int flip = 0; flip < 3; flip++) {
            forwarder().repoint(PG.primary().port());
            awaitRole(label, "primary");
            forwarder().repoint(PG.standby(0).port());
            awaitRole(label, "standby");
        }
        forwarder().repoint(PG.primary().port());
        awaitRole(label, "primary");

        assertThat(health().getDetails()).as("the same primary each time behind a balancing label: no failover")
                .containsEntry("activeHost", label).containsEntry("failovers", 0L);
        assertThat(output.getOut()).doesNotContain("reaches another server");
    }

    private void awaitRole(String label, String role) {
        awaitCondition("the label's probe to answer as " + role, STEP, () -> role.equals(host(health(), label).get("role")));
    }

    private Health health() {
        return ((HealthIndicator) this.pgConnHealthContributor).health(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> host(Health health, String host) {
        Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
        return hosts == null || hosts.get(host) == null ? Map.of() : hosts.get(host);
    }
}
