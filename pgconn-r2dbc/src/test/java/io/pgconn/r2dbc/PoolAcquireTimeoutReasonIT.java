package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acquire that times out says why (NEW-USER-21 F3: during an outage a quarter of the failed requests said only
 * "Connection acquisition timed out after 3000ms", while health knew the hosts were down): {@link PgConnConnectionPool}
 * adds what the pool held and what the factory last learned of each host, on a real server whose sessions are all lent
 * out and on a host that refuses connections.
 */
class PoolAcquireTimeoutReasonIT {

    private static final Duration MAX_ACQUIRE = Duration.ofMillis(500);
    private static final Duration STEP = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-acquire-timeout-reason", 0).build();

    @Test
    void aTimeoutWhileEverySessionIsLentOutSaysSoAndNamesTheHostUp() {
        String host = "127.0.0.1:" + PG.primary().port();
        try (PgConnectionFactory core = core("host=127.0.0.1 port=" + PG.primary().port())) {
            ConnectionPool pool = pool(core, PgConnR2dbcConnectionFactory.of(core));
            try {
                Connection held = Mono.from(pool.create()).block(STEP);
                Throwable timedOut = Mono.from(pool.create()).then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(STEP);
                assertThat(timedOut).isInstanceOf(R2dbcTimeoutException.class);
                assertThat(timedOut.getMessage()).startsWith("Connection acquisition timed out after 500ms: ")
                        .contains("the pool had 1 session(s) lent out of at most 1, 0 idle")
                        .contains("hosts (what the factory last learned, target_session_attrs=any): " + host + " up (primary)")
                        .doesNotContain(R2dbcTestServer.PASSWORD);
                assertThat(timedOut.getCause()).as("r2dbc-pool's own").isInstanceOf(R2dbcTimeoutException.class);
                Mono.from(held.close()).block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    @Test
    void aTimeoutDuringAnOutageNamesTheHostDownAndItsError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed: every connect is refused
        }
        try (PgConnectionFactory core = core("host=127.0.0.1 port=" + closedPort)) {
            // the connects are tried again until the acquire's deadline (a restart passes), as the starter's pool does
            ConnectionPool pool = pool(core, PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), MAX_ACQUIRE));
            try {
                // one acquire waits for the connect the other started (a pool of one): it times out
                List<Throwable> failures = Flux.range(0, 3)
                        .flatMap(i -> Mono.from(pool.create()).then(Mono.<Throwable>empty()).onErrorResume(Mono::just))
                        .collectList().block(STEP);
                List<Throwable> timeouts = failures.stream().filter(R2dbcTimeoutException.class::isInstance).toList();
                assertThat(failures).hasSize(3);
                assertThat(timeouts).as("acquires that waited for another's connect").isNotEmpty();
                for (Throwable timeout : timeouts) {
                    assertThat(timeout.getMessage()).startsWith("Connection acquisition timed out after 500ms: ")
                            .contains("hosts (what the factory last learned, target_session_attrs=any): 127.0.0.1:"
                                    + closedPort + " down at ")
                            .containsIgnoringCase("refused");
                }
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    private static PgConnectionFactory core(String hostAndPort) {
        return PgConnectionFactory.create(ConnConfig.parse(hostAndPort + " dbname=" + R2dbcTestServer.DATABASE
                + " user=" + R2dbcTestServer.USER + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes=''", EnvironmentSource.of(Map.of())));
    }

    private static ConnectionPool pool(PgConnectionFactory core, ConnectionFactory poolFactory) {
        return new PgConnConnectionPool(ConnectionPoolConfiguration.builder(poolFactory)
                .initialSize(0).maxSize(1).acquireRetry(0).maxAcquireTime(MAX_ACQUIRE)
                .maxIdleTime(Duration.ofMinutes(5)).build(), core);
    }
}
