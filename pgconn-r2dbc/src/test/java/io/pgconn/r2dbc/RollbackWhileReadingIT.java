package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.r2dbc.spi.Result;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 10's F1: a rollback asked for while a statement of the transaction is still being read, its
 * reader cancelling just after — what Spring's transaction interceptor does when a client leaves a
 * {@code @Transactional} Kotlin {@code Flow} (the coroutine's cancel reaches the driver after Spring has
 * asked for the rollback). The ROLLBACK used to be written first; the cancel then found a later request
 * written and sent no CancelRequest, so the statement ran to its end (here ~1000 s) with the pooled
 * session held, and the ROLLBACK waited behind it.
 */
class RollbackWhileReadingIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    /** 100,000 rows, 10 ms each: about 1000 s unless cancelled on the server. */
    private static final String ENDLESS = "SELECT g, pg_sleep(0.01) FROM generate_series(1, 100000) g";

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-rollback-while-reading", 0).build();

    @Test
    void aRollbackAskedForBeforeTheReaderCancelsCancelsTheStatementOnTheServer() throws Exception {
        try (PgConnR2dbcConnectionFactory factory =
                     (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            Mono.from(connection.beginTransaction()).block(STEP);
            CountDownLatch firstRow = new CountDownLatch(1);
            Disposable reader = Flux.from(connection.createStatement(ENDLESS).execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0)))
                    .subscribe(row -> firstRow.countDown());
            assertThat(firstRow.await(STEP.toSeconds(), TimeUnit.SECONDS)).as("a first row").isTrue();

            CompletableFuture<Void> rollback = Mono.from(connection.rollbackTransaction()).toFuture();
            reader.dispose();

            rollback.get(STEP.toSeconds(), TimeUnit.SECONDS);
            assertThat(PG.primary().queryValue("SELECT state || ':' || query FROM pg_stat_activity WHERE pid = " + pid))
                    .as("the statement was cancelled on the server, then rolled back").isEqualTo("idle:ROLLBACK");
            assertThat(connection.isAutoCommit()).isTrue();
            Object one = Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0, Integer.class))).blockLast(STEP);
            assertThat(one).isEqualTo(1);
            Mono.from(connection.close()).block(STEP);
        }
    }

    @Test
    void aRollbackAfterAStatementReadToItsEndIsNotHeldBack() {
        try (PgConnR2dbcConnectionFactory factory =
                     (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            Mono.from(connection.beginTransaction()).block(STEP);
            assertThat(Flux.from(connection.createStatement("SELECT g FROM generate_series(1, 3) g").execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0))).count().block(STEP)).isEqualTo(3);
            Mono.from(connection.rollbackTransaction()).block(STEP);
            assertThat(connection.isAutoCommit()).isTrue();
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * AUDIT-13 M1: a script's first result handed out and never read, the results' subscription cancelled
     * after its demand of 1 was used up (Reactor's {@code take(1)}, {@code concatMap(f, 0)} with an inner that fails first — the
     * error path, where a rollback follows). The script's read ends only once that result is discarded, which
     * happens at the connection's next operation; the rollback waited for the read before discarding it, so
     * it waited for ever.
     */
    @Test
    void aRollbackBehindAScriptWhoseHandedOutResultIsUnreadDiscardsItAndRollsBack() throws Exception {
        try (PgConnR2dbcConnectionFactory factory =
                     (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = ((PgConnR2dbcConnection) connection).pgConnection().processId();
            Mono.from(connection.beginTransaction()).block(STEP);
            CompletableFuture<Result> held = new CompletableFuture<>();
            BaseSubscriber<Result> results = new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    subscription.request(1);
                }

                @Override
                protected void hookOnNext(Result result) {
                    held.complete(result); // got it, never reads it
                }
            };
            Flux.from(connection.createStatement("SELECT g FROM generate_series(1, 1000) g; SELECT 1").execute())
                    .subscribe(results);
            held.get(STEP.toSeconds(), TimeUnit.SECONDS);
            results.cancel(); // after the result was handed out: its demand was used up

            Mono.from(connection.rollbackTransaction()).block(STEP);
            assertThat(PG.primary().queryValue("SELECT state || ':' || query FROM pg_stat_activity WHERE pid = " + pid))
                    .as("rolled back on the server").isEqualTo("idle:ROLLBACK");
            assertThat(connection.isAutoCommit()).isTrue();
            Object one = Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0, Integer.class))).blockLast(STEP);
            assertThat(one).isEqualTo(1);
            Mono.from(connection.close()).block(STEP);
        }
    }
}
