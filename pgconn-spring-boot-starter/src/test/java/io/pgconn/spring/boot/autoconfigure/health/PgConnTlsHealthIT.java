package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * user3 F4 against a real TLS server: with a root certificate that does not sign the server's, the
 * public health shows "TLS failed (host:port)", not the exception chain with the sslrootcert file's
 * path; the whole message is in the monitor's INFO log.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnTlsHealthIT {

    private static final String USER = "tls_app";

    private static final String PASSWORD = "tls-Pa55-health";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.tlsOnly("starter-tls-health", USER, PASSWORD);

    @Test
    @SuppressWarnings("unchecked")
    void anUntrustedServerCertificateIsTlsFailedAndTheHostInHealthTheDetailsInTheLog(CapturedOutput output) {
        String host = "localhost:" + PG.primary().port();
        String rootCert = PG.tls().untrustedCaCertificate().toString();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnHealthContributorAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + host, "pg.conn.ssl.mode=verify-full", "pg.conn.ssl.root-cert=" + rootCert,
                        "pg.conn.database=postgres", "pg.conn.username=" + USER, "pg.conn.password=" + PASSWORD,
                        "pg.conn.extension-types=", "pg.conn.startup-check=none", "management.health.pgconn.timeout=10s")
                .run(context -> {
                    Health health = context.getBean(PgConnHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    Map<String, Map<String, Object>> hosts = (Map<String, Map<String, Object>>) health.getDetails().get("hosts");
                    assertThat(hosts.get(host)).containsEntry("lastError", "TLS failed (" + host + ")");
                    assertThat(health.toString()).doesNotContain(rootCert).doesNotContain("PKIX").doesNotContain(PASSWORD);
                    // logged right after the view is published: wait for the line, not for a time
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                            .contains("pgconn health [pgConnectionFactory]: host " + host + " is down: TLS failed (" + host + ") (")
                            .contains(rootCert));
                    assertThat(output.getOut()).doesNotContain(PASSWORD);
                });
    }
}
