package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * r2dbc-pool gives up on an acquire (user4's F5: {@code maxAcquireTime}, or {@code maxCreateConnectionTime} on
 * the connect itself) while pgconn's connect is still under way: the connection that arrives afterwards is
 * the pool's — handed to the next acquire, closed with the pool — or closed; it is never left open on the
 * server, unowned (r2dbc.md §3). The connects are slow for real: a login event trigger (PostgreSQL 17+)
 * sleeps for the test's user before the server sends ReadyForQuery.
 */
class PoolAcquireTimeoutIT {

    private static final String USER = "slow_login";
    private static final String PASSWORD = "slow-login-secret";
    /** How long the server takes to log {@link #USER} in: far beyond the pool's bounds below. */
    private static final Duration LOGIN = Duration.ofMillis(1500);
    private static final Duration POOL_BOUND = Duration.ofMillis(200);
    private static final Duration STEP = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("r2dbc-pool-acquire-timeout")
            .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE FUNCTION slow_login() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF session_user = '" + USER + "' THEN PERFORM pg_sleep(" + LOGIN.toMillis() / 1000.0 + "); END IF;"
                    + " END $$")
            .initSql("CREATE EVENT TRIGGER slow_login ON login EXECUTE FUNCTION slow_login()")
            .build();

    private final RecordingConnectTracer connects = new RecordingConnectTracer();

    /**
     * {@code maxAcquireTime} is a timeout on the pool's acquire, not on its allocation: the connect goes on, and
     * the connection that arrives is put in the pool as idle (reactor-pool's borrower was cancelled), where the
     * next acquire takes it without a connect of its own, and the pool's close closes it.
     */
    @Test
    void aConnectThatOutlivesTheAcquireTimeoutJoinsThePool() {
        try (PgConnectionFactory core = core()) {
            ConnectionPool pool = pool(core, builder -> builder.maxAcquireTime(POOL_BOUND));
            PoolMetrics metrics = pool.getMetrics().orElseThrow();
            try {
                Throwable timedOut = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                assertThat(timedOut).isInstanceOf(R2dbcTimeoutException.class).hasMessageContaining("acquisition timed out");
                assertThat(connects.ended()).as("the connect is still under way").isZero();

                awaitCondition("the late connection to be idle in the pool", STEP,
                        () -> metrics.allocatedSize() == 1 && metrics.idleSize() == 1);
                assertThat(core.openConnections()).isEqualTo(1);
                assertThat(backends()).isEqualTo(1);

                Connection reused = Mono.from(pool.create()).block(STEP);
                assertThat(connects.started()).as("the next acquire took the late connection, no new connect").isEqualTo(1);
                Mono.from(reused.close()).block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
            awaitCondition("the pool's close to close the late connection", STEP, () -> core.openConnections() == 0);
            awaitCondition("the server to have no session of the user left", STEP, () -> backends() == 0);
        }
    }

    /** {@code maxCreateConnectionTime} cancels the connect itself: the connection that comes anyway is closed. */
    @Test
    void aConnectCutOffByMaxCreateConnectionTimeIsClosedWhenItArrives() {
        try (PgConnectionFactory core = core()) {
            ConnectionPool pool = pool(core, builder -> builder.maxCreateConnectionTime(POOL_BOUND));
            PoolMetrics metrics = pool.getMetrics().orElseThrow();
            try {
                Throwable timedOut = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
                assertThat(Exceptions.unwrap(timedOut)).isInstanceOf(TimeoutException.class);

                awaitCondition("the connect to end", STEP, () -> connects.ended() == connects.started());
                awaitCondition("the late connection to be closed", STEP, () -> core.openConnections() == 0);
                awaitCondition("the server to have no session of the user left", STEP, () -> backends() == 0);
                assertThat(metrics.allocatedSize()).isZero();
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    /** The pool is closed while the connect it started for a timed-out acquire is still under way: what comes is closed. */
    @Test
    void aConnectThatArrivesAfterThePoolWasClosedIsClosed() {
        try (PgConnectionFactory core = core()) {
            ConnectionPool pool = pool(core, builder -> builder.maxAcquireTime(POOL_BOUND));
            Throwable timedOut = catchThrowable(() -> Mono.from(pool.create()).block(STEP));
            assertThat(timedOut).isInstanceOf(R2dbcTimeoutException.class);
            pool.disposeLater().block(STEP);
            assertThat(connects.ended()).as("the connect is still under way").isZero();

            awaitCondition("the connect to end", STEP, () -> connects.ended() == connects.started());
            awaitCondition("the late connection to be closed", STEP, () -> core.openConnections() == 0);
            awaitCondition("the server to have no session of the user left", STEP, () -> backends() == 0);
        }
    }

    private PgConnectionFactory core() {
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port() + " user=" + USER + " password=" + PASSWORD
                + " dbname=postgres sslmode=disable extensionTypes=''", EnvironmentSource.of(Map.of()));
        return PgConnectionFactory.builder(config).tracer(connects).build();
    }

    private static ConnectionPool pool(PgConnectionFactory core, Consumer<ConnectionPoolConfiguration.Builder> bounds) {
        ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(core))
                .initialSize(0).maxSize(2).acquireRetry(0).maxIdleTime(Duration.ofMinutes(5));
        bounds.accept(builder);
        return new ConnectionPool(builder.build());
    }

    private static int backends() {
        return Integer.parseInt(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + USER + "'"));
    }
}
