package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.TestApplication;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The new user's second observation, without the health monitor (so core alone decides): requests
 * with a Reactor {@code timeout(2s)} on a frozen primary fail at 2 s, and their connections must not
 * stay acquired, nor go back to the pool to queue the next request behind a statement that never
 * ends. Core closes a connection whose server sends nothing for 1 s after a cancel request
 * (docs/query.md §5), so the pool drops them and new requests connect to the other primary. (Within
 * that second a released connection can still be handed out; its request then fails with the
 * "closed: ... sent nothing" error instead of waiting for the server.)
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "management.health.pgconn.enabled=false",
        "pg.conn.ssl.mode=disable", "pg.conn.target-session-attrs=read-write", "pg.conn.database=postgres",
        "pg.conn.host-connect-timeout=1s", "pg.conn.extension-types=",
        "pg.conn.startup-check=none", "pg.conn.pool.initial-size=4", "pg.conn.pool.max-size=4",
        "pg.conn.pool.max-acquire-time=5s" })
class PgConnFrozenHostReactorTimeoutIT {

    private static final int POOL_SIZE = 4;

    @RegisterExtension
    static final PgClusterExtension FIRST = StarterCluster.withStandbys("starter-frozen-timeout-a", 0);

    @RegisterExtension
    static final PgClusterExtension SECOND = StarterCluster.withStandbys("starter-frozen-timeout-b", 0);

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.loginTo(registry, () -> List.of(FIRST.primary(), SECOND.primary()));
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ConnectionPool pool;

    @Autowired
    private io.pgconn.PgConnectionFactory factory;

    @Test
    void requestsTimedOutByReactorOnAFrozenPrimaryGiveTheirConnectionsUp() {
        PgServer frozenHost = FIRST.primary();
        PgServer otherHost = SECOND.primary();
        PoolMetrics metrics = PooledServerPorts.allIdleOn(frozenHost, client, pool, POOL_SIZE);

        try (ServerFreeze frozen = ServerFreeze.of(frozenHost)) {
            long frozenAt = System.nanoTime();
            List<Throwable> errors = Flux.range(0, POOL_SIZE)
                    .flatMap(i -> serverPort().timeout(Duration.ofSeconds(2)).then(Mono.<Throwable>empty()).onErrorResume(Mono::just), POOL_SIZE)
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(errors).hasSize(POOL_SIZE).allMatch(e -> e instanceof TimeoutException);
            awaitCondition("the timed-out requests' connections to leave the pool's acquired set",
                    Duration.ofSeconds(30), () -> metrics.acquiredSize() == 0);
            long releasedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            // released at once; core closes each when the server stays silent 1 s after its cancel request
            awaitCondition("core to close the abandoned connections", Duration.ofSeconds(30), () -> factory.openConnections() == 0);
            long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            System.out.println("requests timed out by Reactor on the frozen host: connections released " + releasedMs
                    + " ms, closed " + closedMs + " ms after the freeze");
            assertThat(closedMs).as("2 s Reactor timeout + 1 s cancel grace, plus slack").isLessThan(6_000);
            // the next requests do not queue behind the abandoned statements: new connections, on the other host
            assertThat(PooledServerPorts.serverPorts(client, POOL_SIZE, POOL_SIZE)).containsOnly(otherHost.port());
        }
    }

    private Mono<Integer> serverPort() {
        return PooledServerPorts.serverPort(client);
    }
}
