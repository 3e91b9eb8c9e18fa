package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.Map;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * user4's F3 against a real server: the password is rotated while the health monitor's probe session
 * is open (it keeps answering, as every old session does). With pg.conn.health.relogin-interval the
 * monitor logs in again and health turns DOWN, naming the refused login; the old password back, it
 * turns UP again. With the interval at 0 (the behaviour before) health stayed UP.
 */
class PgConnHealthReloginIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-health-relogin", 0);

    @Test
    void healthTurnsDownWhenNewLoginsAreRefusedWhileTheProbeSessionStillAnswers() {
        String host = StarterCluster.label(PG.primary());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnHealthContributorAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + host, "pg.conn.ssl.mode=disable", "pg.conn.database=postgres",
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.application-name=relogin-it",
                        "pg.conn.health.host-check-interval=100ms", "pg.conn.health.relogin-interval=1s")
                .run(context -> {
                    awaitCondition("health UP", Duration.ofSeconds(20), () -> health(context).getStatus().equals(Status.UP));
                    try {
                        PG.primary().execute("ALTER ROLE " + StarterCluster.USER + " PASSWORD 'rotated-Pa55'");
                        awaitCondition("health DOWN after the password rotation", Duration.ofSeconds(20),
                                () -> health(context).getStatus().equals(Status.DOWN));
                        assertThat(hostDetails(health(context), host)).containsEntry("status", "down")
                                .containsEntry("lastError", "authentication failed (" + host + ")");
                        // the probe session that kept answering is gone: the monitor does not keep it as a witness
                        awaitCondition("no monitor session left", Duration.ofSeconds(10), () -> PG.primary()
                                .execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'relogin-it-health'")
                                .equals(java.util.List.of("0")));
                    } finally {
                        PG.primary().execute("ALTER ROLE " + StarterCluster.USER + " PASSWORD '" + StarterCluster.PASSWORD + "'");
                    }
                    // the refused-login back-off is at most 30 s; with a 100 ms interval its first waits are short
                    awaitCondition("health UP again with the old password", Duration.ofSeconds(40),
                            () -> health(context).getStatus().equals(Status.UP));
                });
    }

    private static Health health(ApplicationContext context) {
        return ((HealthIndicator) context.getBean("pgConnHealthContributor", HealthContributor.class)).health(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hostDetails(Health health, String host) {
        return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("hosts")).get(host);
    }
}
