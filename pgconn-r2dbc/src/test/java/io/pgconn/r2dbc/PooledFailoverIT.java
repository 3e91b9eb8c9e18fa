package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool over the pgconn driver never hands out a connection to a server that no longer satisfies
 * {@code target_session_attrs=read-write}: the primary is made read-only (its idle sessions are not
 * told: PostgreSQL reports the change only with the next statement) and the standby promoted; once
 * anything connected through the shared core factory has seen the old primary read-only, every idle
 * pooled connection to it fails {@code validate(LOCAL)} and is evicted, not handed out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the failover test leaves the cluster failed over: it runs last
class PooledFailoverIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-pool-failover", 1).build();

    @Test
    @Order(2)
    void idleConnectionsToADemotedPrimaryAreEvictedNotHandedOut() {
        idleConnectionsToADemotedPrimaryAreEvicted(PG, UnaryOperator.identity());
    }

    /**
     * Three idle pooled connections to the primary; the primary made read-only and the standby promoted;
     * the next acquire gets the new primary and the three are evicted for their {@code role}.
     * {@code betweenPoolAndDriver} wraps the driver's factory before the pool gets it.
     */
    static void idleConnectionsToADemotedPrimaryAreEvicted(PgClusterExtension cluster,
                                                           UnaryOperator<ConnectionFactory> betweenPoolAndDriver) {
        PgServer primary = cluster.primary();
        PgServer standby = cluster.standby(0);
        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + primary.port() + "," + standby.port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes='' target_session_attrs=read-write", EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            PgConnR2dbcConnectionFactory factory = PgConnR2dbcConnectionFactory.of(core);
            Duration maxIdle = Duration.ofMinutes(30);
            Duration maxLife = Duration.ofMinutes(-1);
            List<String> evicted = new CopyOnWriteArrayList<>();
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(
                    ConnectionPoolConfiguration.builder(betweenPoolAndDriver.apply(factory))
                            .initialSize(0).maxSize(3).maxIdleTime(maxIdle).maxLifeTime(maxLife)
                            .validationDepth(ValidationDepth.LOCAL), maxIdle, maxLife, evicted::add).build());
            try {
                List<Connection> first = Flux.range(0, 3).flatMap(i -> pool.create()).collectList().block(STEP);
                assertThat(first).hasSize(3).allSatisfy(c -> assertThat(portOf(c)).isEqualTo(primary.port()));
                Flux.fromIterable(first).flatMap(Connection::close).then().block(STEP);
                assertThat(pool.getMetrics().orElseThrow().idleSize()).isEqualTo(3);

                primary.setConfig("default_transaction_read_only", "on");
                standby.promote();
                PgConnection probe = await(core.connect()); // any connect, e.g. a health check, through the shared factory
                assertThat(probe.hostSpec().port()).isEqualTo(standby.port());
                await(probe.close());
                assertThat(statusOf(core, primary).role()).isEqualTo(ServerRole.READ_ONLY_PRIMARY);

                Connection next = pool.create().block(STEP);
                try {
                    assertThat(portOf(next)).as("the pool handed out a connection to the new primary").isEqualTo(standby.port());
                    String readOnly = Mono.from(next.createStatement("SHOW transaction_read_only").execute())
                            .flatMapMany(r -> r.map((row, meta) -> row.get(0, String.class))).blockLast(STEP);
                    assertThat(readOnly).isEqualTo("off");
                } finally {
                    Mono.from(next.close()).block(STEP);
                }
                awaitCondition("the three sessions to the old primary are closed", STEP,
                        () -> core.openConnections() == 1);
                assertThat(evicted).as("why the pool evicted them").containsExactly("role", "role", "role");
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    @Test
    @Order(1)
    void aSessionThatHearsItsServerTurnReadOnlyFailsLocalValidation() {
        PgServer primary = PG.primary();
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) io.r2dbc.spi.ConnectionFactories.get(
                R2dbcTestServer.url(primary, "target_session_attrs=read-write"))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            try {
                assertThat(Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP)).isTrue();
                primary.setConfig("default_transaction_read_only", "on");
                // the next statement carries the server's ParameterStatus default_transaction_read_only=on (PostgreSQL 14+)
                Mono.from(connection.createStatement("SELECT 1").execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).block(STEP);
                assertThat(Mono.from(connection.validate(ValidationDepth.LOCAL)).block(STEP)).isFalse();
                assertThat(Mono.from(connection.validate(ValidationDepth.REMOTE)).block(STEP)).isFalse();
            } finally {
                primary.setConfig("default_transaction_read_only", "off");
                Mono.from(connection.close()).block(STEP);
            }
            Connection closed = Mono.from(factory.create()).block(STEP);
            Mono.from(closed.close()).block(STEP);
            assertThat(Mono.from(closed.validate(ValidationDepth.LOCAL)).block(STEP)).as("a closed session").isFalse();
        }
    }

    private static int portOf(Connection connection) {
        return PgConnUnwrap.pgConnection(connection).hostSpec().port();
    }

    private static HostStatus statusOf(PgConnectionFactory core, PgServer server) {
        return core.hostStatuses().stream().filter(s -> s.host().endsWith(":" + server.port())).findFirst().orElseThrow();
    }
}
