package io.pgconn.r2dbc;

import io.pgconn.r2dbc.StuckReaders.StuckReader;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.pgconn.r2dbc.StuckReaders.LARGE;
import static io.pgconn.r2dbc.StuckReaders.STEP;
import static io.pgconn.r2dbc.StuckReaders.pidOf;
import static io.pgconn.r2dbc.StuckReaders.selectOne;
import static io.pgconn.testing.Conditions.awaitCondition;
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

    /** 100,000 rows, 10 ms each: about 1000 s unless cancelled on the server. */
    private static final String ENDLESS = "SELECT g, pg_sleep(0.01) FROM generate_series(1, 100000) g";

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-rollback-while-reading", 0).build();

    private static final StuckReaders STUCK = new StuckReaders(PG);

    @Test
    void aRollbackAskedForBeforeTheReaderCancelsCancelsTheStatementOnTheServer() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            CountDownLatch firstRow = new CountDownLatch(1);
            Disposable reader = Flux.from(connection.createStatement(ENDLESS).execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0)))
                    .subscribe(row -> firstRow.countDown());
            assertThat(firstRow.await(STEP.toSeconds(), TimeUnit.SECONDS)).as("a first row").isTrue();

            CompletableFuture<Void> rollback = Mono.from(connection.rollbackTransaction()).toFuture();
            reader.dispose();

            rollback.get(STEP.toSeconds(), TimeUnit.SECONDS);
            assertThat(STUCK.activityOf(pid))
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
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
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
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
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
            assertThat(STUCK.activityOf(pid))
                    .as("rolled back on the server").isEqualTo("idle:ROLLBACK");
            assertThat(connection.isAutoCommit()).isTrue();
            Object one = Flux.from(connection.createStatement("SELECT 1").execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0, Integer.class))).blockLast(STEP);
            assertThat(one).isEqualTo(1);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * AUDIT-13 L2: a reader that subscribed to a large result and neither asks for rows nor cancels (a leaked
     * subscription, a consumer that stopped). The rollback waited for its read for ever, and since it waited
     * before writing anything, the transaction's locks stayed held on the server as long as the reader. Now
     * the rollback waits a short grace, then cuts the read off (cancelled on the server, its reader failed)
     * and rolls back.
     */
    @Test
    void aRollbackBehindAReaderThatNeitherReadsNorCancelsCutsTheReadOffAndReleasesTheLocks() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            lockAdvisory(connection, 4242);
            StuckReader reader = StuckReaders.of(connection, LARGE);
            STUCK.awaitActive(pid, LARGE);

            Mono.from(connection.rollbackTransaction()).block(STEP);
            assertThat(STUCK.advisoryLocksOf(pid)).as("the transaction's locks are released").isEqualTo("0");
            assertThat(STUCK.activityOf(pid))
                    .as("rolled back on the server").isEqualTo("idle:ROLLBACK");
            assertThat(reader.failure())
                    .as("the reader is told its read was cut off, not left waiting")
                    .isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("rollbackTransaction()").hasMessageContaining("127.0.0.1");
            assertThat(connection.isAutoCommit()).isTrue();
            assertThat(selectOne(connection)).isEqualTo(1);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * AUDIT-14 L1: the stuck reader's {@code onError} throws (breaking Reactive Streams §2.13). The cut-off ran it
     * inside the rollback's wait, whose failure then failed {@code rollbackTransaction()} without writing the
     * ROLLBACK: the transaction's locks stayed held.
     */
    @Test
    void aRollbackBehindAStuckReaderWhoseOnErrorThrowsStillRollsBack() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            lockAdvisory(connection, 4141);
            CompletableFuture<Throwable> told = new CompletableFuture<>();
            Result result = Mono.from(connection.createStatement(LARGE).execute()).block(STEP);
            result.map((row, metadata) -> row.get(0)).subscribe(new Subscriber<Object>() {
                @Override
                public void onSubscribe(Subscription subscription) {
                    // no demand
                }

                @Override
                public void onNext(Object row) {
                }

                @Override
                public void onError(Throwable error) {
                    told.complete(error);
                    throw new IllegalStateException("a reader that throws from onError");
                }

                @Override
                public void onComplete() {
                    told.complete(null);
                }
            });
            STUCK.awaitActive(pid, LARGE);

            Mono.from(connection.rollbackTransaction()).block(STEP);
            assertThat(STUCK.advisoryLocksOf(pid)).as("the transaction's locks are released").isEqualTo("0");
            assertThat(told.get(STEP.toSeconds(), TimeUnit.SECONDS)).hasMessageContaining("rollbackTransaction()");
            assertThat(selectOne(connection)).isEqualTo(1);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * AUDIT-13 L2: {@code rollbackTransactionToSavepoint} (Spring's nested rollback) asked for while a statement
     * of the transaction is read, its reader cancelling just after (F1's case). The ROLLBACK TO SAVEPOINT was
     * written first, so the cancel sent no CancelRequest and the statement ran to its end (~1000 s).
     */
    @Test
    void aSavepointRollbackAskedForBeforeTheReaderCancelsCancelsTheStatementOnTheServer() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            Mono.from(connection.createSavepoint("nested")).block(STEP);
            CountDownLatch firstRow = new CountDownLatch(1);
            Disposable reader = Flux.from(connection.createStatement(ENDLESS).execute())
                    .flatMap(result -> result.map((row, metadata) -> row.get(0)))
                    .subscribe(row -> firstRow.countDown(), error -> { });
            assertThat(firstRow.await(STEP.toSeconds(), TimeUnit.SECONDS)).as("a first row").isTrue();

            CompletableFuture<Void> rollback = Mono.from(connection.rollbackTransactionToSavepoint("nested")).toFuture();
            reader.dispose();

            rollback.get(STEP.toSeconds(), TimeUnit.SECONDS);
            assertThat(STUCK.activityOf(pid))
                    .as("the statement was cancelled on the server, then rolled back to the savepoint")
                    .isEqualTo("idle in transaction:ROLLBACK TO SAVEPOINT \"nested\"");
            assertThat(connection.isAutoCommit()).as("the transaction around the savepoint goes on").isFalse();
            assertThat(selectOne(connection)).isEqualTo(1);
            Mono.from(connection.commitTransaction()).block(STEP);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * AUDIT-13 L2: a savepoint rollback behind a reader that neither reads nor cancels: it was written behind
     * the stuck read and its answer never read, so it waited for ever. Now the read is cut off after the
     * grace, and the locks taken after the savepoint are released while the transaction goes on.
     */
    @Test
    void aSavepointRollbackBehindAReaderThatNeitherReadsNorCancelsCutsTheReadOff() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            Mono.from(connection.createSavepoint("nested")).block(STEP);
            lockAdvisory(connection, 4343);
            StuckReader reader = StuckReaders.of(connection, LARGE);
            STUCK.awaitActive(pid, LARGE);

            Mono.from(connection.rollbackTransactionToSavepoint("nested")).block(STEP);
            assertThat(STUCK.advisoryLocksOf(pid)).as("the locks taken after the savepoint are released").isEqualTo("0");
            assertThat(reader.failure())
                    .isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("rollbackTransactionToSavepoint()");
            assertThat(connection.isAutoCommit()).isFalse();
            assertThat(selectOne(connection)).isEqualTo(1);
            Mono.from(connection.rollbackTransaction()).block(STEP);
            Mono.from(connection.close()).block(STEP);
        }
    }

    /**
     * {@code close()} behind the same stuck reader needs no grace: the core writes its Terminate (after a
     * CancelRequest) and closes the socket, the server ends the session and its transaction, and the reader
     * fails with the connection's end instead of waiting for ever.
     */
    @Test
    void aCloseBehindAReaderThatNeitherReadsNorCancelsEndsTheSessionAndFailsTheReader() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = newFactory()) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            Mono.from(connection.beginTransaction()).block(STEP);
            lockAdvisory(connection, 4444);
            StuckReader reader = StuckReaders.of(connection, LARGE);
            STUCK.awaitActive(pid, LARGE);

            Mono.from(connection.close()).block(STEP);
            assertThat(reader.failure()).as("the reader is told").isNotNull();
            awaitCondition("the server to end the session", STEP,
                    () -> "0".equals(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)));
            assertThat(STUCK.advisoryLocksOf(pid)).isEqualTo("0");
        }
    }

    private static void lockAdvisory(Connection connection, int key) {
        Flux.from(connection.createStatement("SELECT pg_advisory_xact_lock(" + key + ")").execute())
                .flatMap(Result::getRowsUpdated).blockLast(STEP);
        assertThat(STUCK.advisoryLocksOf(pidOf(connection))).isEqualTo("1");
    }

    private static PgConnR2dbcConnectionFactory newFactory() {
        return (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
    }
}
