package io.pgconn.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
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
 * A server that refuses a new login because it has no free slot (53300: here the role's {@code CONNECTION LIMIT},
 * as {@code max_connections} would) is up, and the sessions a pool holds to it keep working: the host memory
 * records it {@code full}, not {@code down}, and the pool evicts nothing (NEW-USER-13 F1: a refused grow marked the
 * primary down, the pool evicted every live session as {@code host-down} and logged in again into the slots that
 * freed — 962 logins, 813 disconnections in 8 s — and was smaller afterwards).
 */
class PoolAtConnectionLimitIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int SESSIONS = 3;

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-connection-limit", 0).build();

    @Test
    void aLoginRefusedWith53300LeavesThePoolsSessionsOpenAndLent() {
        PgServer primary = PG.primary();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + primary.port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes='' target_session_attrs=read-write", EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            Duration maxIdle = Duration.ofMinutes(30);
            Duration maxLife = Duration.ofMinutes(-1);
            List<String> evicted = new CopyOnWriteArrayList<>();
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(
                    ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(core))
                            .initialSize(0).maxSize(SESSIONS + 1).maxIdleTime(maxIdle).maxLifeTime(maxLife)
                            .acquireRetry(0).validationDepth(ValidationDepth.LOCAL), maxIdle, maxLife, evicted::add).build());
            try {
                List<Integer> before = backendPids(pool);
                assertThat(before).hasSize(SESSIONS).doesNotHaveDuplicates();
                primary.execute("ALTER ROLE " + R2dbcTestServer.USER + " CONNECTION LIMIT " + SESSIONS);

                // the pool holds its three, one more borrow makes it grow: the server refuses that login
                List<Connection> held = Flux.range(0, SESSIONS).flatMap(i -> pool.create()).collectList().block(STEP);
                Throwable grow = pool.create().then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(STEP);
                assertThat(grow).as("the pool's grow, refused").isNotNull();
                assertThat(sqlStates(grow)).contains("53300");
                Flux.fromIterable(held).flatMap(Connection::close).then().block(STEP);

                assertThat(evicted).as("nothing evicted").isEmpty();
                assertThat(backendPids(pool)).as("the same sessions, lent again and answering").hasSameElementsAs(before);
                assertThat(evicted).as("nothing evicted").isEmpty();
                HostStatus memory = core.hostStatuses().get(0);
                assertThat(memory.state()).as("up with no free slot, not down").isEqualTo(HostStatus.State.FULL);
                assertThat(memory.lastError()).contains("53300");
                assertThat(primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '"
                        + R2dbcTestServer.USER + "'")).isEqualTo(String.valueOf(SESSIONS));
            } finally {
                primary.execute("ALTER ROLE " + R2dbcTestServer.USER + " CONNECTION LIMIT -1");
                pool.disposeLater().block(STEP);
            }
        }
    }

    /** Borrows {@link #SESSIONS} sessions at once, asks each its backend's pid, gives them back. */
    private static List<Integer> backendPids(ConnectionPool pool) {
        List<Connection> borrowed = Flux.range(0, SESSIONS).flatMap(i -> pool.create()).collectList().block(STEP);
        try {
            return Flux.fromIterable(borrowed)
                    .concatMap(c -> Flux.from(c.createStatement("SELECT pg_backend_pid()").execute())
                            .flatMap(r -> r.map((row, meta) -> row.get(0, Integer.class))))
                    .collectList().block(STEP);
        } finally {
            Flux.fromIterable(borrowed).flatMap(Connection::close).then().block(STEP);
        }
    }

    private static List<String> sqlStates(Throwable failure) {
        List<String> states = new ArrayList<>();
        for (Throwable t = failure; t != null && !states.contains("53300"); t = t.getCause()) {
            if (t instanceof R2dbcException r && r.getSqlState() != null) {
                states.add(r.getSqlState());
            }
            if (t instanceof PgException pg) {
                pg.sqlState().ifPresent(states::add);
            }
        }
        return states;
    }
}
