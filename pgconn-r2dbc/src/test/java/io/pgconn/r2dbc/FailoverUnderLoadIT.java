package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.JvmResources;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover under application load (issue 14): 50 concurrent request loops (a write and a read each,
 * through an r2dbc-pool over the pgconn driver, {@code target_session_attrs=read-write}) while the
 * primary crashes (immediate stop) and the standby is promoted; then the old primary comes back as a
 * read-only server. Asserted: no statement ever fails with 25006 (none runs on a read-only server),
 * no request hangs (each ends within its timeout), requests fail only if they started before the
 * promotion finished, the first write on the new primary succeeds within 1 s of the promotion, and
 * the pool, the sessions and the file descriptors are back to their baseline at the end.
 */
class FailoverUnderLoadIT {

    private static final int LOOPS = 50;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofSeconds(60);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-failover-load", 1).build();

    /** One request's outcome. */
    private record Outcome(long startedNanos, long endedNanos, Throwable error) {
    }

    @Test
    void writesMoveToTheNewPrimaryAndNeverRunOnAReadOnlyServer() {
        PgServer primary = PG.primary();
        PgServer standby = PG.standby(0);
        primary.execute("CREATE TABLE IF NOT EXISTS load_events (id BIGSERIAL PRIMARY KEY, loop_id INT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())");
        primary.execute("ALTER TABLE load_events OWNER TO " + R2dbcTestServer.USER);
        primary.execute("SELECT pg_switch_wal()");
        long baselineFds = JvmResources.openFileDescriptors();

        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + primary.port() + "," + standby.port()
                + " dbname=postgres user=" + R2dbcTestServer.USER + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes='' target_session_attrs=read-write connectTimeout=2s hostConnectTimeout=1s hostRecheckInterval=0",
                EnvironmentSource.of(Map.of()));
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong firstWriteAfterPromotion = new AtomicLong();
        AtomicLong promotedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            Duration maxIdle = Duration.ofMinutes(5);
            // connections live 1 s, so connects (each walking the hosts in order: no host memory) go on all along
            Duration maxLife = Duration.ofSeconds(1);
            ConnectionPool pool = new ConnectionPool(PgConnPoolEviction.apply(ConnectionPoolConfiguration
                    .builder(PgConnR2dbcConnectionFactory.of(core))
                    .initialSize(0).maxSize(10).maxIdleTime(maxIdle).maxLifeTime(maxLife)
                    .maxAcquireTime(Duration.ofSeconds(5)).validationDepth(ValidationDepth.LOCAL), maxIdle, maxLife).build());
            Disposable load = Flux.range(0, LOOPS)
                    .flatMap(loop -> Mono.defer(() -> request(pool, loop, outcomes, promotedAt, firstWriteAfterPromotion))
                            .repeat(() -> !stop.get()), LOOPS)
                    .subscribe();
            try {
                awaitCondition("the load to run on the primary", STEP, () -> successes(outcomes) >= 200);

                primary.stop(StopMode.IMMEDIATE);
                standby.promote();
                promotedAt.set(System.nanoTime());
                long before = successes(outcomes);
                awaitCondition("requests to succeed on the new primary", STEP, () -> successes(outcomes) >= before + 200);

                primary.setConfig("default_transaction_read_only", "on");
                primary.start();
                awaitCondition("a connect to find the old primary back, read-only", STEP,
                        () -> core.hostStatuses().get(0).role() == io.pgconn.ServerRole.READ_ONLY_PRIMARY);
                long restarted = successes(outcomes);
                awaitCondition("requests to go on with the old primary back as a read-only server", STEP,
                        () -> successes(outcomes) >= restarted + 400);
            } finally {
                stop.set(true);
                load.dispose();
            }
            awaitCondition("every request loop to stop", STEP, () -> pool.getMetrics().orElseThrow().acquiredSize() == 0);

            List<Throwable> errors = outcomes.stream().map(Outcome::error).filter(e -> e != null).toList();
            long failedAfterPromotion = outcomes.stream().filter(o -> o.error() != null && o.endedNanos() > promotedAt.get()).count();
            System.out.printf("failover under load: %d requests, %d failed (%d ended after the promotion), 25006: %d,"
                            + " first write %.1f ms after the promotion, old primary now %s%n",
                    outcomes.size(), errors.size(), failedAfterPromotion,
                    errors.stream().filter(e -> e instanceof R2dbcException r && "25006".equals(r.getSqlState())).count(),
                    (firstWriteAfterPromotion.get() - promotedAt.get()) / 1e6,
                    core.hostStatuses().get(0));

            assertThat(errors).as("statements refused by a read-only server (25006)")
                    .noneMatch(e -> e instanceof R2dbcException r && "25006".equals(r.getSqlState()));
            assertThat(errors).as("requests that hung past their timeout").noneMatch(e -> e instanceof TimeoutException);
            assertThat(outcomes).as("requests failed that started after the promotion finished")
                    .noneMatch(o -> o.error() != null && o.startedNanos() > promotedAt.get());
            assertThat(Duration.ofNanos(firstWriteAfterPromotion.get() - promotedAt.get()))
                    .as("first successful write after the promotion").isLessThanOrEqualTo(Duration.ofSeconds(1));

            pool.disposeLater().block(STEP);
            awaitCondition("every session closed", STEP, () -> core.openConnections() == 0);
        }
        awaitCondition("file descriptors back to the baseline", STEP,
                () -> JvmResources.openFileDescriptors() <= baselineFds);
    }

    private static Mono<Void> request(ConnectionPool pool, int loop, ConcurrentLinkedQueue<Outcome> outcomes,
                                      AtomicLong promotedAt, AtomicLong firstWriteAfterPromotion) {
        long started = System.nanoTime();
        Mono<Long> work = Mono.usingWhen(pool.create(),
                connection -> write(connection, loop).then(read(connection, loop)),
                Connection::close, (connection, error) -> connection.close(), Connection::close);
        return work.timeout(REQUEST_TIMEOUT)
                .doOnSuccess(ignored -> {
                    long ended = System.nanoTime();
                    outcomes.add(new Outcome(started, ended, null));
                    if (ended > promotedAt.get()) {
                        firstWriteAfterPromotion.compareAndSet(0, ended);
                    }
                })
                .doOnError(error -> outcomes.add(new Outcome(started, System.nanoTime(), error)))
                .onErrorResume(error -> Mono.empty())
                .then();
    }

    private static Mono<Long> write(Connection connection, int loop) {
        return Flux.from(connection.createStatement("INSERT INTO load_events (loop_id) VALUES ($1)").bind(0, loop).execute())
                .flatMap(result -> result.getRowsUpdated()).then(Mono.just(1L));
    }

    private static Mono<Long> read(Connection connection, int loop) {
        return Flux.from(connection.createStatement("SELECT count(*) FROM load_events WHERE loop_id = $1").bind(0, loop).execute())
                .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class))).last();
    }

    private static long successes(ConcurrentLinkedQueue<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.error() == null).count();
    }
}
