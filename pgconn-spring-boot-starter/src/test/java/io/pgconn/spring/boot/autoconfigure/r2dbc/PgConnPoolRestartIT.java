package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * user13's F4: a fast restart of the server failed every request that needed a new connection at once (within
 * ~0.1 s), although {@code pg.conn.pool.max-acquire-time} was 3 s. The starter's pool now tries the connect again
 * with a short backoff until that deadline while the reason passes (refused, 57P03 starting up, ...), so a
 * request waits for a server that is back within it (r2dbc.md §3).
 */
@SpringBootTest(classes = {TestApplication.class, PgConnPoolRestartIT.FirstFailure.class},
        webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.ssl.mode=disable", "pg.conn.database=postgres", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=2",
        "pg.conn.pool.max-acquire-time=20s", "pg.conn.pool.acquire-retry=0" })
class PgConnPoolRestartIT {

    private static final Duration STEP = Duration.ofSeconds(40);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-pool-restart", 0);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(PG.primary()));
    }

    /** Runs what the test put in {@link #ON_FAILURE} at the first failed connect after that, once. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FirstFailure {

        @Bean
        PgTracer firstConnectFailure() {
            return new PgTracer() {
                @Override
                public void connectEnded(ConnectEnded event) {
                    if (event.error() != null) {
                        FAILED_CONNECTS.incrementAndGet();
                        Runnable action = ON_FAILURE.getAndSet(null);
                        if (action != null) {
                            action.run();
                        }
                    }
                }
            };
        }
    }

    static final AtomicReference<Runnable> ON_FAILURE = new AtomicReference<>();
    static final AtomicInteger FAILED_CONNECTS = new AtomicInteger();

    @Autowired
    private DatabaseClient client;

    @AfterEach
    void serverRunsAgain() {
        PG.primary().start();
    }

    @Test
    void aRequestWaitsForAServerRestartedWithinTheAcquireTime() {
        PgServer server = PG.primary();
        server.stop();
        CompletableFuture<Void> started = new CompletableFuture<>();
        ON_FAILURE.set(() -> CompletableFuture.runAsync(server::start).whenComplete((done, error) -> {
            if (error != null) {
                started.completeExceptionally(error);
            } else {
                started.complete(null);
            }
        }));

        Integer one = client.sql("SELECT 1").map(row -> row.get(0, Integer.class)).one().block(STEP);

        assertThat(one).isEqualTo(1);
        started.join();
        assertThat(FAILED_CONNECTS.get()).as("connects refused while the server was away").isPositive();
    }
}
