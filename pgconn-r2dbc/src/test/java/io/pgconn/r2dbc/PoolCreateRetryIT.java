package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A pool with an acquire deadline rides out a server that is away for less than it (user13's F4: a fast
 * restart failed every acquire of its moment at once although {@code maxAcquireTime} was 3 s): the pool's
 * connect is tried again with a short backoff ({@link PgConnPoolCreateRetry}) while the reason passes, and a
 * reason that does not (a refused password) still fails the acquire at its first connect.
 */
class PoolCreateRetryIT {

    private static final Duration ACQUIRE = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(40);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-pool-create-retry", 0).build();

    private final RecordingConnectTracer connects = new RecordingConnectTracer();

    @AfterEach
    void serverRunsAgain() {
        PG.primary().start();
        PG.primary().execute("ALTER ROLE " + R2dbcTestServer.USER + " CONNECTION LIMIT -1");
    }

    /** The server is down when the acquire starts and is started once the pool's first connect was refused. */
    @Test
    void anAcquireWaitsForAServerThatComesBackWithinItsDeadline() {
        PgServer server = PG.primary();
        server.stop();
        CompletableFuture<Void> started = new CompletableFuture<>();
        connects.onFirstFailure(() -> CompletableFuture.runAsync(server::start).whenComplete((done, error) -> {
            if (error != null) {
                started.completeExceptionally(error);
            } else {
                started.complete(null);
            }
        }));
        try (PgConnectionFactory core = core(R2dbcTestServer.PASSWORD)) {
            ConnectionPool pool = pool(core);
            try {
                Connection connection = Mono.from(pool.create()).block(STEP);
                assertThat(connection).isNotNull();
                assertThat(Mono.from(connection.createStatement("SELECT 1").execute())
                        .flatMap(result -> Mono.from(result.map(row -> row.get(0, Integer.class)))).block(STEP)).isEqualTo(1);
                Mono.from(connection.close()).block(STEP);
            } finally {
                pool.dispose();
            }
            started.join();
            assertThat(connects.failed()).as("connects refused while the server was away").isPositive();
            assertThat(connects.started()).isEqualTo(connects.failed() + 1);
        }
    }

    /** A refused password does not pass: the acquire fails at its first connect, with the server's 28P01. */
    @Test
    void aRefusedPasswordFailsTheAcquireAtItsFirstConnect() {
        try (PgConnectionFactory core = core("not-the-password")) {
            ConnectionPool pool = pool(core);
            try {
                Throwable failure = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                assertThat(failure).isInstanceOf(R2dbcPermissionDeniedException.class);
                assertThat(((R2dbcPermissionDeniedException) failure).getSqlState()).isEqualTo("28P01");
            } finally {
                pool.dispose();
            }
            assertThat(connects.started()).isEqualTo(1);
        }
    }

    /**
     * A server that stays away: the acquire fails when its deadline is near, with the last connect's own
     * failure naming the host (not the pool's timeout), after more than one try.
     */
    @Test
    void aServerThatStaysAwayFailsTheAcquireWithTheLastConnectFailure() {
        PgServer server = PG.primary();
        server.stop();
        try (PgConnectionFactory core = core(R2dbcTestServer.PASSWORD)) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration
                    .builder(PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), Duration.ofSeconds(1)))
                    .initialSize(0).maxSize(2).acquireRetry(0).maxAcquireTime(Duration.ofSeconds(1)).build());
            try {
                Throwable failure = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                assertThat(failure).isInstanceOf(R2dbcTransientResourceException.class)
                        .hasMessageContaining("127.0.0.1:" + server.port());
            } finally {
                pool.dispose();
            }
            assertThat(connects.started()).isGreaterThan(1);
            assertThat(connects.failed()).isEqualTo(connects.started());
        }
    }

    /**
     * NEW-USER-13 F1's follow-up: at a connection limit (53300, here the role's {@code CONNECTION LIMIT}, as
     * {@code max_connections} would) an acquire that had to grow the pool failed at its first connect although
     * {@code maxAcquireTime} was 20 s. Now it waits: another client's session ends once the pool's first connect
     * was refused, and the acquire gets a connection.
     */
    @Test
    void anAcquireAtTheConnectionLimitGetsTheSlotAnotherClientFreesWithinItsDeadline() {
        PgServer server = PG.primary();
        server.execute("ALTER ROLE " + R2dbcTestServer.USER + " CONNECTION LIMIT 1");
        try (PgConnectionFactory core = core(R2dbcTestServer.PASSWORD);
             PgConnectionFactory otherClient = PgConnectionFactory.create(core.config())) {
            PgConnection slotHolder = otherClient.connect().join();
            CompletableFuture<Void> freed = new CompletableFuture<>();
            connects.onFirstFailure(() -> slotHolder.close().whenComplete((done, error) -> freed.complete(null)));
            ConnectionPool pool = pool(core);
            try {
                Connection connection = Mono.from(pool.create()).block(STEP);
                assertThat(connection).isNotNull();
                Mono.from(connection.close()).block(STEP);
            } finally {
                pool.dispose();
            }
            freed.join();
            assertThat(connects.failed()).as("connects refused while the other client held the slot").isPositive();
            assertThat(connects.started()).isEqualTo(connects.failed() + 1);
        }
    }

    /**
     * A server that stays full: the acquire fails at its deadline with the server's 53300, after a few logins paced
     * by the backoff (25 ms doubling to 250 ms: 10 in a 2-s deadline), not a login per request or per millisecond.
     */
    @Test
    void aServerThatStaysFullFailsTheAcquireWith53300AtItsDeadlineAfterFewLogins() {
        PgServer server = PG.primary();
        server.execute("ALTER ROLE " + R2dbcTestServer.USER + " CONNECTION LIMIT 1");
        try (PgConnectionFactory core = core(R2dbcTestServer.PASSWORD);
             PgConnectionFactory otherClient = PgConnectionFactory.create(core.config())) {
            otherClient.connect().join();
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration
                    .builder(PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), Duration.ofSeconds(2)))
                    .initialSize(0).maxSize(2).acquireRetry(0).maxAcquireTime(Duration.ofSeconds(2)).build());
            try {
                Throwable failure = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                assertThat(failure).isInstanceOf(R2dbcTransientResourceException.class);
                assertThat(((R2dbcTransientResourceException) failure).getSqlState()).isEqualTo("53300");
            } finally {
                pool.dispose();
            }
            assertThat(connects.failed()).isEqualTo(connects.started());
            // it retried (the retry gives up only when less than twice the next backoff is left: a first refusal slower
            // than 1.95 s would end it), at most as often as the backoff allows in 2 s (25 ms doubling to 250 ms: 10, 12
            // with slack); how many between depends on how long each refused login takes on a loaded machine
            assertThat(connects.started()).as("tried again").isGreaterThan(1);
            assertThat(connects.started()).as("paced by the backoff").isLessThanOrEqualTo(12);
        }
    }

    /** Without a deadline there is nothing to wait within: the factory is returned as it is. */
    @Test
    void withoutADeadlineTheFactoryIsUnchanged() {
        try (PgConnectionFactory core = core(R2dbcTestServer.PASSWORD)) {
            PgConnR2dbcConnectionFactory factory = PgConnR2dbcConnectionFactory.of(core);
            assertThat(PgConnPoolCreateRetry.within(factory, Duration.ZERO)).isSameAs(factory);
            assertThat(PgConnPoolCreateRetry.within(factory, Duration.ofMillis(-1))).isSameAs(factory);
            assertThat(PgConnUnwrap.driverFactory(PgConnPoolCreateRetry.within(factory, ACQUIRE))).containsSame(factory);
        }
    }

    private PgConnectionFactory core(String password) {
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port() + " user=" + R2dbcTestServer.USER
                + " password=" + password + " dbname=" + R2dbcTestServer.DATABASE + " sslmode=disable extensionTypes=''",
                EnvironmentSource.of(Map.of()));
        return PgConnectionFactory.builder(config).tracer(connects).build();
    }

    private static ConnectionPool pool(PgConnectionFactory core) {
        return new ConnectionPool(ConnectionPoolConfiguration
                .builder(PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), ACQUIRE))
                .initialSize(0).maxSize(2).acquireRetry(0).maxAcquireTime(ACQUIRE).build());
    }
}
