package io.pgconn.spring.boot.autoconfigure;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.pgconn.PgConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The starter in a real application over real HTTP, against a testkit primary and standby with
 * {@code target-session-attrs: read-write}: health shows the primary and, before any failover, the
 * standby as a live standby; when the primary dies health goes DOWN with each host's reason; once
 * the standby is promoted, health shows it as the active host and counts one failover, with no
 * application traffic; the {@code pg.conn.*} meters are in {@code /actuator/metrics}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always",
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none" })
class PgConnFailoverHealthIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-health", 1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private PgConnectionFactory factory;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void healthFollowsFailoverAndMetersArePublished() throws Exception {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);

        DocumentContext up = health();
        assertThat(up.read("$.components.pgConn.status", String.class)).isEqualTo("UP");
        assertThat(up.read("$.components.pgConn.details.activeHost", String.class)).isEqualTo(StarterCluster.label(primary));
        assertThat(up.read("$.components.pgConn.details.role", String.class)).isEqualTo("primary");
        assertThat(up.read("$.components.pgConn.details.serverVersion", String.class)).startsWith(primary.version().split("\\.")[0]);
        assertThat(up.read("$.components.pgConn.details.targetSessionAttrs", String.class)).isEqualTo("read-write");
        assertThat(up.read("$.components.pgConn.details.database", String.class)).isEqualTo("postgres");
        assertThat(up.read("$.components.pgConn.details.failovers", Integer.class)).isZero();
        assertThat(up.read("$.components.pgConn.details.hosts['" + StarterCluster.label(primary) + "'].status", String.class))
                .isEqualTo("up");
        assertThat(up.read("$.components.pgConn.details.hosts['" + StarterCluster.label(standby) + "'].status", String.class))
                .as("the standby is watched before any failover").isEqualTo("up");
        assertThat(up.read("$.components.pgConn.details.hosts['" + StarterCluster.label(standby) + "'].role", String.class))
                .isEqualTo("standby");
        System.out.println("health before failover: " + up.jsonString());
        for (int i = 0; i < 5; i++) {
            assertThat(health().read("$.components.pgConn.status", String.class)).isEqualTo("UP");
        }
        for (PgServer server : List.of(primary, standby)) {
            // the health monitor's own sessions (application_name ...-health); the R2DBC pool, when on the classpath, has others
            assertThat(server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + StarterCluster.USER
                    + "' AND application_name LIKE '%health'"))
                    .as("one monitor connection per host, reused by every probe").isEqualTo("1");
        }

        primary.stop(StopMode.IMMEDIATE);
        DocumentContext down = pollHealth(h -> "DOWN".equals(h.read("$.components.pgConn.status", String.class)));
        assertThat(down.read("$.components.pgConn.details.hosts['" + StarterCluster.label(primary) + "'].status", String.class))
                .isEqualTo("down");
        assertThat(down.read("$.components.pgConn.details.hosts['" + StarterCluster.label(primary) + "'].lastError", String.class))
                .isNotBlank();
        assertThat(down.read("$.components.pgConn.details.hosts['" + StarterCluster.label(standby) + "'].role", String.class))
                .isEqualTo("standby");
        assertThat(down.jsonString()).doesNotContain(StarterCluster.PASSWORD);
        System.out.println("health while no primary: " + down.jsonString());
        assertThat(this.factory.hostStatuses().get(0).state()).as("the factory's host memory learned it from the monitor")
                .isEqualTo(io.pgconn.HostStatus.State.DOWN);
        DocumentContext primaryDown = JsonPath.parse(get("/actuator/metrics/pg.conn.host.status?tag=host:"
                + StarterCluster.label(primary) + "&tag=status:down").body());
        assertThat(primaryDown.read("$.measurements[0].value", Double.class)).as("a scrape sees the primary down too")
                .isEqualTo(1.0);
        assertThat(this.factory.connect()).as("application traffic in the window: no read-write host")
                .failsWithin(Duration.ofSeconds(10));

        standby.promote();
        long promoted = System.nanoTime();
        DocumentContext after = pollHealth(h -> StarterCluster.label(standby)
                .equals(h.read("$.components.pgConn.details", java.util.Map.class).get("activeHost")));
        System.out.printf("failover visible in health %d ms after promote returned%n", (System.nanoTime() - promoted) / 1_000_000);
        assertThat(after.read("$.components.pgConn.status", String.class)).isEqualTo("UP");
        assertThat(after.read("$.components.pgConn.details.role", String.class)).isEqualTo("primary");
        assertThat(after.read("$.components.pgConn.details.failovers", Integer.class)).isEqualTo(1);
        assertThat(after.read("$.components.pgConn.details.lastFailoverAt", String.class)).isNotBlank();
        System.out.println("health after failover: " + after.jsonString());

        List<String> names = JsonPath.parse(get("/actuator/metrics").body()).read("$.names");
        assertThat(names).contains("pg.conn.connect", "pg.conn.connect.attempt", "pg.conn.connections.active",
                "pg.conn.failovers", "pg.conn.host.attempts");
        DocumentContext failovers = JsonPath.parse(get("/actuator/metrics/pg.conn.failovers?tag=kind:primary-to-primary").body());
        assertThat(failovers.read("$.measurements[0].value", Double.class)).isEqualTo(1.0);
        DocumentContext refused = JsonPath.parse(get("/actuator/metrics/pg.conn.host.attempts?tag=host:"
                + StarterCluster.label(primary)).body());
        List<String> outcomes = refused.read("$.availableTags[?(@.tag == 'outcome')].values[*]");
        assertThat(outcomes).contains("refused");
    }

    private DocumentContext pollHealth(Predicate<DocumentContext> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        DocumentContext last = null;
        while (System.nanoTime() < deadline) {
            last = health();
            if (condition.test(last)) {
                return last;
            }
            Thread.onSpinWait();
        }
        return fail("condition not met within 30s; last health: " + (last == null ? null : last.jsonString()));
    }

    private DocumentContext health() throws IOException, InterruptedException {
        return JsonPath.parse(get("/actuator/health").body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                        .timeout(Duration.ofSeconds(20)).build(), // a health endpoint that hangs fails the test, not the build
                HttpResponse.BodyHandlers.ofString());
    }
}
