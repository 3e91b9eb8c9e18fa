package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-19 F12: a primary at {@code max_connections} (53300), the pool's acquires all growing it. Each waiting
 * connect used to log in again on its own backoff, so the refused logins grew with the pool's headroom (about 4 a second
 * per waiting connect: 340 refusals in 13 s from one application with {@code max-size: 8}). Now the pool's connects
 * share one pace while the server reports 53300: after the first wave (the connects already under way when the first
 * refusal came back) one login per 250 ms for the whole pool.
 */
class PoolLoginPacingIT {

    private static final int POOL_SIZE = 8;
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Duration STEP = Duration.ofSeconds(40);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-login-pacing", 0)
            .config("max_connections", "8").build();

    private final RecordingConnectTracer connects = new RecordingConnectTracer();

    @Test
    void aFullServerGetsOnePacedLoginStreamPerPoolNotOnePerWaitingConnect() {
        ConnConfig config = config();
        List<PgConnection> others = new ArrayList<>();
        try (PgConnectionFactory otherClients = PgConnectionFactory.create(config);
             PgConnectionFactory core = PgConnectionFactory.builder(config).tracer(connects).build()) {
            fill(otherClients, others);
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration
                    .builder(PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), DEADLINE))
                    .initialSize(0).maxSize(POOL_SIZE).acquireRetry(0).maxAcquireTime(DEADLINE).build());
            List<Throwable> failures;
            try {
                failures = Flux.range(0, POOL_SIZE)
                        .flatMap(i -> Mono.from(pool.create()).then(Mono.<Throwable>empty()).onErrorResume(Mono::just))
                        .collectList().block(STEP);
            } finally {
                pool.dispose();
            }
            assertThat(failures).as("every acquire failed at its deadline: the server stayed full").hasSize(POOL_SIZE)
                    .allSatisfy(failure -> assertThat(failure).isInstanceOf(R2dbcTransientResourceException.class));
            assertThat(failures).allSatisfy(failure ->
                    assertThat(((R2dbcTransientResourceException) failure).getSqlState()).isEqualTo("53300"));
            assertThat(connects.failed()).isEqualTo(connects.started());
            // at most the first wave (POOL_SIZE, under way before the first refusal came back) plus one login per
            // 250 ms for the pool in the 2-s deadline (8); each waiting connect on its own backoff (25 ms doubling to
            // 250 ms) made up to 10 each, 80 in all
            assertThat(connects.started()).as("refused logins, paced per pool").isLessThanOrEqualTo(POOL_SIZE + 8 + 2);
            assertThat(connects.started()).as("tried again after the first wave").isGreaterThan(POOL_SIZE);
        } finally {
            others.forEach(PgConnection::close);
        }
    }

    /**
     * The pool holds one session, the server's other slots are taken, and one acquire's connect waits for a slot: the
     * acquires that come meanwhile do not grow the pool (each tied to a connect of its own that waited for a slot and
     * failed at its deadline) but wait for the session a borrower releases, and get it.
     */
    @Test
    void acquiresAtAFullServerGetTheSessionsBorrowersReleaseInsteadOfGrowingThePool() throws Exception {
        List<PgConnection> others = new ArrayList<>();
        try (PgConnectionFactory otherClients = PgConnectionFactory.create(config());
             PgConnectionFactory core = PgConnectionFactory.builder(config()).tracer(connects).build()) {
            fill(otherClients, others);
            others.remove(0).close().join(); // one slot: the pool's
            Duration deadline = Duration.ofSeconds(10);
            ConnectionFactory poolFactory = PgConnPoolCreateRetry.within(PgConnR2dbcConnectionFactory.of(core), deadline);
            Duration maxIdle = Duration.ofMinutes(30);
            Duration maxLife = Duration.ofMinutes(-1);
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(ConnectionPoolConfiguration.builder(poolFactory)
                    .initialSize(0).maxSize(POOL_SIZE).acquireRetry(0).maxAcquireTime(deadline)
                    .maxIdleTime(maxIdle).maxLifeTime(maxLife), maxIdle, maxLife, reason -> { },
                    PgConnPoolCreateRetry.growthAtAFullServer(poolFactory, 0, POOL_SIZE)).build());
            try {
                Connection held = Mono.from(pool.create()).block(STEP);
                fill(otherClients, others); // the server is full again
                CompletableFuture<Void> refused = new CompletableFuture<>();
                connects.onFailure(() -> refused.complete(null));
                // this acquire grows the pool: its connect is refused and waits for a slot (until the pool is disposed)
                CompletableFuture<Connection> grows = Mono.from(pool.create()).toFuture();
                refused.get(STEP.toSeconds(), TimeUnit.SECONDS);
                // the tracer hears the refusal before the pool's factory has taken it in: wait until the pool holds its
                // growth, or an acquire below may still start a connect of its own (seen once in CI)
                awaitCondition("the pool holds its growth: a connect waits for a slot",
                        () -> ((PgConnPoolCreateRetry) poolFactory).holdsGrowth());
                List<CompletableFuture<Integer>> waiting = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    waiting.add(Mono.usingWhen(pool.create(), c -> Mono.from(c.createStatement("SELECT 1").execute())
                            .flatMap(r -> Mono.from(r.map((row, meta) -> row.get(0, Integer.class)))), Connection::close)
                            .toFuture());
                }
                Mono.from(held.close()).block(STEP);
                for (CompletableFuture<Integer> acquire : waiting) {
                    assertThat(acquire.join()).as("an acquire served by the released session").isEqualTo(1);
                }
                assertThat(grows).as("the acquire whose connect waits for a slot").isNotDone();
            } finally {
                pool.dispose();
            }
        } finally {
            others.forEach(PgConnection::close);
        }
    }

    private static ConnConfig config() {
        return ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port() + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD + " dbname=" + R2dbcTestServer.DATABASE
                + " sslmode=disable extensionTypes=''", EnvironmentSource.of(Map.of()));
    }

    /** Other clients take every slot a non-superuser may have (max_connections less the superuser reserve). */
    private static void fill(PgConnectionFactory otherClients, List<PgConnection> others) {
        for (int i = 0; i < 8; i++) {
            try {
                others.add(otherClients.connect().join());
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(PgException.class);
                assertThat(ConnectFailures.isNoFreeSlot((PgException) e.getCause())).as(e.getCause().getMessage()).isTrue();
                assertThat(others).as("slots taken by other clients").isNotEmpty();
                return;
            }
        }
        throw new AssertionError("the server never refused a login: max_connections not reached");
    }
}
