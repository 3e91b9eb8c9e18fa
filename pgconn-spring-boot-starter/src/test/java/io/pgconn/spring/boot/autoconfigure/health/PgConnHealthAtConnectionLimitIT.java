package io.pgconn.spring.boot.autoconfigure.health;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-13 F1/F2 against a real server: the application role's {@code CONNECTION LIMIT} is what the pool and
 * the health monitor hold, so the monitor's periodic new login is refused with 53300. The host is {@code full}:
 * health {@code UP} with a warning (not {@code DOWN} for a moment every relogin interval), the monitor's probe session
 * kept, and the pool's sessions neither evicted nor replaced (before: each refused re-login marked the host down and
 * the pool evicted every live session as {@code host-down}). With the limit lifted the host is {@code up} again.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always",
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write", "pg.conn.application-name=limit-it",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=2", "pg.conn.pool.max-size=2",
        "pg.conn.health.host-check-interval=100ms", "pg.conn.health.relogin-interval=500ms" })
class PgConnHealthAtConnectionLimitIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    private static final String POOL = "$.details.pools.connectionFactory";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-health-limit", 0);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    @Test
    void aServerRefusingNewLoginsFor53300IsUpWithAWarningAndThePoolKeepsItsSessions() {
        PgServer server = PG.primary();
        String host = StarterCluster.label(server);
        List<Integer> before = backendPids();
        assertThat(before).hasSize(2).doesNotHaveDuplicates();
        awaitCondition("health UP", STEP, () -> "UP".equals(pgConnHealth().read("$.status", String.class)));

        // the pool's two sessions and the monitor's one: its next login (opened before the old one closes) is refused
        server.execute("ALTER ROLE " + StarterCluster.USER + " CONNECTION LIMIT 3");
        try {
            awaitCondition("the host shown full", STEP,
                    () -> "full".equals(pgConnHealth().read("$.details.hosts['" + host + "'].status", String.class)));
            // several relogin intervals: it stays UP and full, never DOWN for a moment (NEW-USER-13 F2)
            List<String> seen = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                DocumentContext health = pgConnHealth();
                seen.add(health.read("$.status", String.class) + " "
                        + health.read("$.details.hosts['" + host + "'].status", String.class));
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a sample every ~20 ms over the window
            }
            assertThat(seen).hasSizeGreaterThan(3).containsOnly("UP full");
            DocumentContext full = pgConnHealth();
            assertThat(full.read("$.details.activeHost", String.class)).isEqualTo(host);
            assertThat(full.read("$.details.warning", String.class)).startsWith(host + " refuses new connections: too many connections")
                    .contains("53300").contains("the sessions open to it keep working");
            assertThat(full.read("$.details.hosts['" + host + "'].lastError", String.class))
                    .isEqualTo("too many connections, SQLSTATE 53300 (" + host + ")");
            assertThat(server.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'limit-it-health'"))
                    .as("the monitor keeps its probe session").isEqualTo("1");

            assertThat(backendPids()).as("the pool's same sessions, answering").hasSameElementsAs(before);
            assertThat(full.read(POOL + ".evictions['host-down']", Integer.class)).isZero();
            assertThat(pgConnHealth().read(POOL + ".evictions.closed", Integer.class)).isZero();
        } finally {
            server.execute("ALTER ROLE " + StarterCluster.USER + " CONNECTION LIMIT -1");
        }
        awaitCondition("the host up again", STEP,
                () -> "up".equals(pgConnHealth().read("$.details.hosts['" + host + "'].status", String.class)));
        assertThat(pgConnHealth().jsonString()).doesNotContain("warning").doesNotContain(StarterCluster.PASSWORD);
    }

    /** Borrows the pool's two sessions at once, asks each its backend's pid, gives them back. */
    private List<Integer> backendPids() {
        List<Connection> borrowed = Flux.range(0, 2).<Connection>flatMap(i -> this.connectionFactory.create()).collectList().block(STEP);
        try {
            return Flux.fromIterable(borrowed)
                    .concatMap(c -> Flux.from(c.createStatement("SELECT pg_backend_pid()").execute())
                            .flatMap(r -> r.map((row, meta) -> row.get(0, Integer.class))))
                    .collectList().block(STEP);
        } finally {
            Flux.fromIterable(borrowed).flatMap(Connection::close).then().block(STEP);
        }
    }

    private DocumentContext pgConnHealth() {
        return JsonPath.parse(get("/actuator/health/pgConn").body()); // 503 carries the body too
    }

    private HttpResponse<String> get(String path) {
        try {
            return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
