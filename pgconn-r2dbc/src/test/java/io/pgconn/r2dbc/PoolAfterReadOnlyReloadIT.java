package io.pgconn.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server turned read-only by its configuration ({@code default_transaction_read_only=on} and a reload, no restart,
 * no failover yet) while a pool holds idle sessions to it: PostgreSQL tells an idle session only with its next
 * statement, so the first session lent there fails its write with 25006 — and only that one. Its session tells the
 * factory's host memory, so the pool drops every other idle session to that server at once; with
 * {@code target_session_attrs=read-write} and only a standby besides, the next acquires fail fast as a connect
 * failure (no read-write host) instead of each failing a request with 25006 (NEW-USER-12 M1: the shop's 10 pooled
 * sessions each failed one order before the health probe noticed).
 */
class PoolAfterReadOnlyReloadIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int SESSIONS = 4;

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-readonly-reload", 1).build();

    @Test
    void onlyTheFirstSessionLentAfterTheReloadFailsTheOthersAreNotLentThere() {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + primary.port() + "," + standby.port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes='' target_session_attrs=read-write", EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            Duration maxIdle = Duration.ofMinutes(30);
            Duration maxLife = Duration.ofMinutes(-1);
            List<String> evicted = new CopyOnWriteArrayList<>();
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(
                    ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(core))
                            .initialSize(0).maxSize(SESSIONS).maxIdleTime(maxIdle).maxLifeTime(maxLife)
                            .validationDepth(ValidationDepth.LOCAL), maxIdle, maxLife, evicted::add).build());
            try {
                List<Connection> first = Flux.range(0, SESSIONS).flatMap(i -> pool.create()).collectList().block(STEP);
                assertThat(first).hasSize(SESSIONS)
                        .allSatisfy(c -> assertThat(PgConnUnwrap.pgConnection(c).hostSpec().port()).isEqualTo(primary.port()));
                Mono.from(first.get(0).createStatement("CREATE TABLE IF NOT EXISTS orders (n int)").execute())
                        .flatMap(r -> Mono.from(r.getRowsUpdated())).block(STEP);
                Flux.fromIterable(first).flatMap(Connection::close).then().block(STEP);
                assertThat(pool.getMetrics().orElseThrow().idleSize()).isEqualTo(SESSIONS);

                primary.setConfig("default_transaction_read_only", "on");
                List<Throwable> outcomes = new ArrayList<>();
                for (int i = 0; i < SESSIONS; i++) {
                    outcomes.add(Mono.usingWhen(pool.create(),
                                    c -> Mono.from(c.createStatement("INSERT INTO orders VALUES (1)").execute())
                                            .flatMap(r -> Mono.from(r.getRowsUpdated())),
                                    Connection::close)
                            .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(STEP));
                }

                assertThat(outcomes.get(0)).as("the first request lent a session there fails with the server's 25006")
                        .isInstanceOfSatisfying(R2dbcException.class, e -> assertThat(e.getSqlState()).isEqualTo("25006"));
                assertThat(statusOf(core, primary).role()).as("the host memory learned it from that session")
                        .isEqualTo(ServerRole.READ_ONLY_PRIMARY);
                assertThat(outcomes.subList(1, SESSIONS)).as("no other request was lent a session to the read-only server")
                        .allSatisfy(e -> {
                            assertThat(e).isNotNull();
                            if (e instanceof R2dbcException r) {
                                assertThat(r.getSqlState()).as("a request failed by the read-only server").isNotEqualTo("25006");
                            }
                            assertThat(e).hasMessageContaining("could not connect to any of 2 hosts");
                        });
                assertThat(evicted).as("every session to the read-only server dropped for its role")
                        .hasSize(SESSIONS).containsOnly("role");
            } finally {
                primary.setConfig("default_transaction_read_only", "off");
                pool.disposeLater().block(STEP);
            }
        }
    }

    private static HostStatus statusOf(PgConnectionFactory core, PgServer server) {
        return core.hostStatuses().stream().filter(s -> s.host().endsWith(":" + server.port())).findFirst().orElseThrow();
    }
}
