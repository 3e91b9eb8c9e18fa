package io.pgconn.r2dbc;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-24 F1, the pool's half, on a real primary: host memory files a host under its label ({@code host:port}),
 * and a label may name another server than the one a pooled session reached — one DNS name or virtual IP moved at a
 * switchover, the health monitor's probe session still on the old address (now a standby) reporting the label a
 * standby. A session whose own ParameterStatus says {@code in_hot_standby=off} is on no standby (a primary turns
 * standby only through a restart, which ends its sessions), so it stays usable: before, every acquire evicted such a
 * session as {@code role} (57 healthy sessions on the new primary in the user's run) and logged in again.
 */
class SessionRoleOverLabelMemoryIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int SESSIONS = 3;

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-role-over-label", 0).build();

    @Test
    void aSessionThatSaysPrimaryIsKeptWhileItsLabelIsRememberedAStandby() {
        PgServer primary = PG.primary();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + primary.port() + " dbname=" + R2dbcTestServer.DATABASE
                + " user=" + R2dbcTestServer.USER + " password=" + R2dbcTestServer.PASSWORD
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
                Set<Integer> backends = new HashSet<>();
                for (Connection c : first) {
                    backends.add(backendPid(c).block(STEP));
                }
                Flux.fromIterable(first).flatMap(Connection::close).then().block(STEP);
                assertThat(backends).hasSize(SESSIONS);

                HostSpec label = core.config().hosts().get(0);
                TestHostWatcher.of(core).up(label, ServerRole.STANDBY); // a probe on the label's old address, now a standby

                Set<Integer> lent = new HashSet<>();
                for (int i = 0; i < 2 * SESSIONS; i++) {
                    lent.add(Mono.usingWhen(pool.create(), SessionRoleOverLabelMemoryIT::backendPid, Connection::close).block(STEP));
                }
                assertThat(evicted).as("no session on the primary evicted for the label's remembered role").isEmpty();
                assertThat(backends).as("every acquire lent one of the pooled sessions").containsAll(lent);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    private static Mono<Integer> backendPid(Connection c) {
        return Mono.from(c.createStatement("SELECT pg_backend_pid()").execute())
                .flatMap(r -> Mono.from(r.map((row, meta) -> row.get(0, Integer.class))));
    }
}
