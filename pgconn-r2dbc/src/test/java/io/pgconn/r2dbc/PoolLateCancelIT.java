package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jOOQ 3.19 cancels its subscription to {@code ConnectionFactory.create()} when it gives up a query (after closing the
 * connection, and racing that close); r2dbc-pool 1.0.2 released the pooled connection on that cancel (without its
 * clean-up) while the borrower's own release was under way, so the pool lent one session to two borrowers at once, and
 * the first one's release clean-up ran on the second one's work (NEW-USER-22 F1). {@link PgConnConnectionPool} passes
 * no cancel on once the connection was delivered.
 */
class PoolLateCancelIT {

    private static final Duration MAX_ACQUIRE = Duration.ofSeconds(4);
    private static final Duration STEP = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-late-cancel", 0).build();

    @Test
    void aCancelDuringTheBorrowersReleaseDoesNotLendTheSessionBeforeItsCleanUpEnded() throws Exception {
        try (PgConnectionFactory core = PgConnectionFactory.create(ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port()
                + " dbname=" + R2dbcTestServer.DATABASE + " user=" + R2dbcTestServer.USER + " password=" + R2dbcTestServer.PASSWORD
                + " sslmode=disable extensionTypes=''", EnvironmentSource.of(Map.of())))) {
            ConnectionPool pool = new PgConnConnectionPool(PgConnPoolRelease.apply(ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(core))
                    .initialSize(0).maxSize(1).acquireRetry(0).maxAcquireTime(MAX_ACQUIRE)).build(), core);
            try {
                // what jOOQ 3.19 does when its query is given up at once (Mono.from(query) after the first row, all on the
                // thread that delivered the connection): a read left unfinished, close(), then a cancel of its subscription
                // to create() — inside onNext, while the close's release waits the reads' grace for the stalled read
                AtomicReference<Subscription> acquire = new AtomicReference<>();
                CompletableFuture<Throwable> readEnded = new CompletableFuture<>();
                CompletableFuture<Connection> lent = new CompletableFuture<>();
                pool.create().subscribe(new Subscriber<Connection>() {
                    @Override
                    public void onSubscribe(Subscription subscription) {
                        acquire.set(subscription);
                        subscription.request(1);
                    }

                    @Override
                    public void onNext(Connection connection) {
                        Flux.from(connection.createStatement("SELECT n FROM generate_series(1, 1000000) n").execute())
                                .flatMap(result -> result.map(row -> row.get(0, Integer.class)))
                                .subscribe(new BaseSubscriber<Integer>() {
                                    @Override
                                    protected void hookOnSubscribe(Subscription subscription) {
                                        subscription.request(1);
                                    }

                                    @Override
                                    protected void hookOnError(Throwable error) {
                                        readEnded.complete(error);
                                    }

                                    @Override
                                    protected void hookOnComplete() {
                                        readEnded.complete(null);
                                    }
                                });
                        Mono.from(connection.close()).subscribe();
                        acquire.get().cancel();
                        lent.complete(connection);
                    }

                    @Override
                    public void onError(Throwable error) {
                        lent.completeExceptionally(error);
                    }

                    @Override
                    public void onComplete() {
                    }
                });
                lent.get(STEP.toMillis(), TimeUnit.MILLISECONDS);

                Connection holder = Mono.from(pool.create()).block(STEP);
                assertThat(readEnded).as("the first borrower's release clean-up ended before its session was lent again").isDone();
                // the pool's one session is lent to the holder: another borrower waits and times out
                Object second = Mono.from(pool.create())
                        .flatMap(connection -> Mono.from(connection.close()).thenReturn((Object) "the session lent a second time"))
                        .onErrorResume(Mono::just).block(STEP);
                assertThat(second).isInstanceOf(R2dbcTimeoutException.class);
                assertThat(pool.getMetrics().orElseThrow().acquiredSize()).isEqualTo(1);
                Mono.from(holder.close()).block(STEP);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }
}
