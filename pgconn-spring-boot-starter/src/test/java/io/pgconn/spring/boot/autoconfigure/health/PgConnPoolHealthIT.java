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
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.List;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pgConn} health shows the starter's R2DBC pool next to the active host, over real HTTP:
 * its size figures follow what the application holds, and when the server stops satisfying
 * {@code target-session-attrs=read-write} (here: {@code default_transaction_read_only} turned on,
 * which PostgreSQL 14+ reports to every session) the pool's evictions for {@code role} show in
 * health and in the {@code pg.conn.pool.evictions} meter, tagged like Boot's {@code r2dbc.pool.*}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always",
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write",
        "pg.conn.database=postgres", "pg.conn.host-connect-timeout=2s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=1", "pg.conn.pool.max-size=3" })
class PgConnPoolHealthIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    private static final String POOL = "$.details.pools.connectionFactory";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-pool-health", 0);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private ConnectionFactory connectionFactory;

    @Autowired
    private DatabaseClient client;

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    @Test
    void healthShowsThePoolAndItsEvictionsForRole() {
        PgServer server = PG.primary();
        client.sql("SELECT 1").fetch().rowsUpdated().block(STEP);

        // only pgConn's component: Boot's r2dbc check would borrow a pooled connection of its own
        DocumentContext idle = pgConnHealth();
        assertThat(idle.read("$.status", String.class)).isEqualTo("UP");
        assertThat(idle.read("$.details.activeHost", String.class)).isEqualTo(StarterCluster.label(server));
        assertThat(idle.read(POOL + ".max", Integer.class)).isEqualTo(3);
        assertThat(idle.read(POOL + ".acquired", Integer.class)).isZero();
        assertThat(idle.read(POOL + ".pending", Integer.class)).isZero();
        assertThat(idle.read(POOL + ".idle", Integer.class)).isGreaterThanOrEqualTo(1);
        assertThat(idle.read(POOL + ".evictions", Map.class)).containsEntry("role", 0).containsEntry("host-down", 0)
                .containsEntry("closed", 0);

        Connection held = Mono.from(connectionFactory.create()).block(STEP);
        try {
            DocumentContext holding = pgConnHealth();
            assertThat(holding.read(POOL + ".acquired", Integer.class)).isEqualTo(1);
            assertThat(holding.read(POOL + ".allocated", Integer.class)).isGreaterThanOrEqualTo(1);
        } finally {
            Mono.from(held.close()).block(STEP);
        }
        assertThat(pgConnHealth().read(POOL + ".acquired", Integer.class)).isZero();

        server.execute("ALTER SYSTEM SET default_transaction_read_only = on");
        server.execute("SELECT pg_reload_conf()");
        try {
            // a pooled session learns the new value at its next statement; the pool then evicts it for its role
            awaitCondition("a pooled session to the read-only server to be evicted for its role", STEP, () -> {
                client.sql("SELECT 1").fetch().rowsUpdated().onErrorResume(e -> Mono.empty()).block(STEP);
                return pgConnHealth().read(POOL + ".evictions.role", Integer.class) >= 1;
            });
            DocumentContext evicted = pgConnHealth();
            int role = evicted.read(POOL + ".evictions.role", Integer.class);
            DocumentContext meter = JsonPath.parse(get("/actuator/metrics/pg.conn.pool.evictions?tag=name:connectionFactory&tag=reason:role").body());
            assertThat(meter.read("$.measurements[0].value", Double.class)).as("the meter counts what health shows")
                    .isGreaterThanOrEqualTo(role);
            assertThat(evicted.jsonString()).doesNotContain(StarterCluster.PASSWORD);
            System.out.println("pgConn health after role evictions: " + evicted.jsonString());
        } finally {
            server.execute("ALTER SYSTEM RESET default_transaction_read_only");
            server.execute("SELECT pg_reload_conf()");
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
