package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testing.NamedTestHost;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * New user 24 F2: behind a name repointed at a switchover, the JVM's DNS cache keeps the old address (now a standby)
 * for {@code networkaddress.cache.ttl}, and the "no acceptable host" WARN said only "pg-rw.svc.local:5432: standby".
 * Here {@link NamedTestHost#NAME} stands for the name (mapped to 127.0.0.1 by the {@code named-host} execution's hosts
 * file; {@code localhost} gets no hint, NEW-USER-30 F2) and a real standby for the old primary: the WARN names the
 * address the probe dialled and ends with the DNS cache's hint, once however many probes see it.
 */
@Tag(NamedTestHost.TAG)
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=100ms" })
class PgConnNamedHostWrongRoleLogIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-named-wrong-role", 1);

    @Autowired
    private HealthContributor pgConnHealthContributor;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> NamedTestHost.NAME + ":" + PG.standby(0).port()); // a name, not StarterCluster's 127.0.0.1
        registry.add("pg.conn.username", () -> StarterCluster.USER);
        registry.add("pg.conn.password", () -> StarterCluster.PASSWORD);
    }

    @Test
    void theWarnNamesTheAddressDialledAndTheJvmDnsCacheOnce(CapturedOutput output) {
        String host = NamedTestHost.NAME + ":" + PG.standby(0).port();
        String warn = "pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: "
                + host + ": standby at ";
        await().atMost(Duration.ofSeconds(30)).until(() -> output.getAll().contains(warn));
        Instant seen = Instant.now();
        // ten more probe rounds of the same state add no line
        await().atMost(Duration.ofSeconds(30)).until(() -> checkedAt(health(), host).isAfter(seen.plusSeconds(1)));

        assertThat(output.getAll().lines().filter(l -> l.contains(warn)).toList()).as("one WARN").singleElement().asString()
                .contains("standby at 127.0.0.1; HINT: \"" + NamedTestHost.NAME + "\" is a host name, and the JVM keeps the"
                        + " addresses it looked up for 30 s (networkaddress.cache.ttl, the JDK's default): after a switchover"
                        + " that repointed the name, 127.0.0.1 may be its old address; lower networkaddress.cache.ttl");
        assertThat(String.valueOf(health().getDetails().get("error"))).as("a public endpoint names no address")
                .contains("no host satisfying target_session_attrs=read-write is up: " + host + ": standby")
                .doesNotContain("HINT", "127.0.0.1", "::1");
        assertThat(output.getAll()).doesNotContain(StarterCluster.PASSWORD);
    }

    private Health health() {
        return ((HealthIndicator) this.pgConnHealthContributor).health(true);
    }

    @SuppressWarnings("unchecked")
    private static Instant checkedAt(Health health, String host) {
        Map<String, Object> view = ((Map<String, Map<String, Object>>) health.getDetails().get("hosts")).get(host);
        Object at = view == null ? null : view.get("lastCheckedAt");
        return at == null ? Instant.MIN : Instant.parse((String) at);
    }
}
