package io.pgconn.spring.boot.autoconfigure.health;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import java.util.Map;
import java.util.function.Predicate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A frozen primary (SIGSTOP: its sockets stay open, nothing answers) over real HTTP, with the
 * default {@code host-check-interval} and {@code host-connect-timeout=1s}: health shows the standby
 * as a standby before anything happens; after the freeze and the standby's promotion it shows the
 * primary {@code down} ("no answer") and the promoted standby as {@code activeHost} within one
 * interval plus {@code host-connect-timeout} (plus slack) of the freeze, with no application traffic.
 * Every report on the way agrees with itself: {@code failovers} is 0 while {@code activeHost} is the
 * primary and 1 from the first report that shows the promoted standby (it used to be counted only
 * when the probe round ended, which the frozen primary's probe held for its timeout).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always",
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=1s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none" })
class PgConnFrozenPrimaryHealthIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-frozen", 1);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary(), PG.standby(0)));
    }

    @Test
    void frozenPrimaryTurnsDownAndThePromotedStandbyBecomesActive() throws Exception {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        pollHealth(h -> StarterCluster.label(primary).equals(details(h).get("activeHost"))
                && "standby".equals(host(h, standby).get("role")) && "up".equals(host(h, standby).get("status")));

        long frozenAt = System.nanoTime();
        DocumentContext after;
        try (ServerFreeze frozen = ServerFreeze.of(primary)) {
            standby.promote();
            after = pollHealth(h -> {
                assertActiveHostAndFailoversAgree(h, primary, standby);
                return StarterCluster.label(standby).equals(details(h).get("activeHost"));
            });
            long ms = (System.nanoTime() - frozenAt) / 1_000_000;
            System.out.printf("frozen primary: promoted standby active in health %d ms after the freeze%n", ms);
            assertThat(ms).as("one interval (1 s) + host-connect-timeout (1 s), plus slack").isLessThanOrEqualTo(3000);
            // the whole endpoint, other contributors included (Boot's R2DBC check validates a pooled connection,
            // possibly to the frozen primary): it answers, it does not hang
            assertThat(get("/actuator/health").statusCode()).isIn(200, 503);
        }
        assertThat(after.read("$.status", String.class)).isEqualTo("UP");
        assertThat(host(after, primary)).containsEntry("status", "down")
                .containsEntry("lastError", "no answer within 1000 ms (" + StarterCluster.label(primary) + ")");
        assertThat(after.read("$.details.failovers", Integer.class)).isEqualTo(1);
    }

    /** Whatever the moment, the count matches the host shown: 0 with the primary, 1 with the promoted standby. */
    private static void assertActiveHostAndFailoversAgree(DocumentContext health, PgServer primary, PgServer standby) {
        Object active = details(health).get("activeHost");
        Object failovers = details(health).get("failovers");
        if (StarterCluster.label(primary).equals(active)) {
            assertThat(failovers).as("failovers while activeHost is the primary: " + health.jsonString()).isEqualTo(0);
        } else if (StarterCluster.label(standby).equals(active)) {
            assertThat(failovers).as("failovers in the first report showing the promoted standby: " + health.jsonString())
                    .isEqualTo(1);
        }
    }

    private static Map<String, Object> details(DocumentContext health) {
        return health.read("$.details", Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> host(DocumentContext health, PgServer server) {
        Map<String, Object> hosts = (Map<String, Object>) details(health).get("hosts");
        return hosts == null ? Map.of() : (Map<String, Object>) hosts.getOrDefault(StarterCluster.label(server), Map.of());
    }

    private DocumentContext pollHealth(Predicate<DocumentContext> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        DocumentContext last = null;
        while (System.nanoTime() < deadline) {
            // pgConn's own component: the detection time is its, not the latency of other contributors
            last = JsonPath.parse(get("/actuator/health/pgConn").body());
            if (condition.test(last)) {
                return last;
            }
            Thread.onSpinWait();
        }
        return fail("condition not met within 30s; last health: " + (last == null ? null : last.jsonString()));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                        .timeout(Duration.ofSeconds(20)).build(), // a health endpoint that hangs fails the test, not the build
                HttpResponse.BodyHandlers.ofString());
    }
}
