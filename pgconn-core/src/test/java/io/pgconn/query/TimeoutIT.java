package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement whose timeout fired never completes normally: not while it was still queued, not
 * when its paged portal was closed, not while its subscriber had no demand (issue 13, H1/H2).
 */
class TimeoutIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void aTimeoutWhileQueuedBehindAPagedStreamFailsAtOnceAndNothingRuns() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE queued_t (n int)"));
            long logBefore = java.nio.file.Files.size(PG.primary().logFile());
            // a paged stream whose subscriber stopped asking: its portal holds every later request back
            TestSubscriber pager = new TestSubscriber(row -> { });
            c.statement("SELECT g FROM generate_series(1, 1000) g").fetchSize(10).execute().subscribe(pager);
            pager.request(3);
            Conditions.awaitCondition("2 rows of the paged stream", Duration.ofSeconds(10), () -> pager.rows.get() == 2);
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO queued_t VALUES (1)").timeout(Duration.ofMillis(200)).collect();
            Throwable error = failure(queued);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms").hasMessageNotContaining("StatementPlan");
            assertThat(((PgStatementTimeoutException) error).sqlState()).contains("57014");
            assertThat(pager.done).as("the paged stream is still open").isNotDone();
            pager.cancel();
            assertThat(await(c.query("SELECT count(*) FROM queued_t")).single(Long.class)).as("the timed-out INSERT never ran").isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            // nothing of it reached the server: no rejected statement in its log (the server logs an
            // error before it sends it, and the count above was answered after that point)
            assertThat(serverLogSince(logBefore)).doesNotContain("ERROR");
        } finally {
            await(c.close());
        }
    }

    private static String serverLogSince(long offset) throws java.io.IOException {
        byte[] log = java.nio.file.Files.readAllBytes(PG.primary().logFile());
        return new String(log, (int) offset, log.length - (int) offset, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aTimeoutWhileQueuedBehindALongStatementFailsAtItsTimeoutCountedFromSubmission() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE behind_long (n int)"));
            CompletableFuture<RowSet> longOne = c.query("SELECT pg_sleep(4)");
            long submitted = System.nanoTime();
            // pipelined behind the sleep (its Parse/Describe written, answered only after the sleep)
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO behind_long VALUES (1)").timeout(Duration.ofSeconds(1)).collect();
            Throwable error = failure(queued);
            Duration took = Duration.ofNanos(System.nanoTime() - submitted);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class)
                    .hasMessageContaining("timed out while queued behind 1 earlier statement (its timeout of 1 s counts from its submission)")
                    .hasMessageContaining("it was not run").hasMessageContaining(c.host())
                    .hasMessageNotContaining("rows were dropped").hasMessageNotContaining("StatementPlan");
            assertThat(((PgStatementTimeoutException) error).sqlState()).contains("57014");
            assertThat(took).as("at its timeout, not a cancel grace after it").isBetween(Duration.ofMillis(950), Duration.ofMillis(1800));
            assertThat(longOne).as("it failed while the statement ahead still ran").isNotDone();
            assertThat(await(longOne).size()).as("the statement ahead is not disturbed").isEqualTo(1);
            assertThat(await(c.query("SELECT count(*) FROM behind_long")).single(Long.class)).as("the timed-out INSERT never ran").isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTimeoutWhileQueuedAfterItsExecutionWasSentSaysItsResultsAreSkipped() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(await(c.query("SELECT 42 AS answer")).single(Integer.class)).isEqualTo(42); // cached: written in one go next time
            CompletableFuture<RowSet> longOne = c.query("SELECT pg_sleep(3)");
            long submitted = System.nanoTime();
            CompletableFuture<List<RowSet>> queued = c.statement("SELECT 42 AS answer").timeout(Duration.ofMillis(500)).collect();
            Throwable error = failure(queued);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class)
                    .hasMessageContaining("timed out while queued behind 1 earlier statement (its timeout of 500 ms")
                    .hasMessageContaining("already been sent (pipelined)");
            assertThat(Duration.ofNanos(System.nanoTime() - submitted))
                    .as("timed out at its own 500 ms, well before the 3 s statement ahead of it ends (room for a loaded machine)")
                    .isLessThan(Duration.ofMillis(2500));
            assertThat(longOne).as("the statement ahead still runs: the timeout did not wait for it").isNotDone();
            await(longOne);
            assertThat(await(c.query("SELECT $1::int", 8)).single(Integer.class)).as("the connection stays usable").isEqualTo(8);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aRunningStatementsTimeoutCancelsItOnTheServerAndTheConnectionStaysUsable() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            long start = System.nanoTime();
            Throwable error = failure(c.statement("SELECT pg_sleep(10)").timeout(Duration.ofMillis(300)).collect());
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("cancelled after its timeout of 300 ms");
            assertThat(error.getCause()).as("the server's own 57014 for the CancelRequest").isInstanceOf(io.pgconn.PgServerException.class);
            assertThat(((io.pgconn.PgServerException) error.getCause()).sqlState()).contains("57014");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(await(c.query("SELECT $1::int", 6)).single(Integer.class)).isEqualTo(6);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTimeoutOfAPagedStreamWithoutDemandFailsInsteadOfCompletingShort() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            TestSubscriber subscriber = new TestSubscriber(row -> { });
            c.statement("SELECT g FROM generate_series(1, 1000) g").fetchSize(10).timeout(Duration.ofMillis(300)).execute().subscribe(subscriber);
            subscriber.request(6); // RowMetadata and 5 rows, then no more demand
            Throwable error = failure(subscriber.done);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 300 ms").hasMessageNotContaining("StatementPlan");
            assertThat(subscriber.rows.get()).isEqualTo(5);
            assertThat(subscriber.lastResult.get()).as("no CommandResult: the result was cut short").isNull();
            assertThat(await(c.query("SELECT $1::int", 3)).single(Integer.class)).isEqualTo(3);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementTimedOutWhileQueuedInATransactionFailsThatTransactionSoAPipelinedCommitRollsBack() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE tx_queued (n int)"));
            await(c.simpleQuery("BEGIN"));
            await(c.query("INSERT INTO tx_queued VALUES (1)"));
            TestSubscriber pager = new TestSubscriber(row -> { });
            c.statement("SELECT g FROM generate_series(1, 1000) g").fetchSize(10).execute().subscribe(pager);
            pager.request(3);
            Conditions.awaitCondition("2 rows of the paged stream", Duration.ofSeconds(10), () -> pager.rows.get() == 2);
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO tx_queued VALUES (2)").timeout(Duration.ofMillis(200)).collect();
            assertThat(failure(queued)).isInstanceOf(PgStatementTimeoutException.class);
            CompletableFuture<RowSet> commit = c.query("COMMIT");
            pager.cancel();
            assertThat(await(commit).commandTag()).as("the transaction failed where the INSERT was: no commit without it")
                    .isEqualTo("ROLLBACK");
            assertThat(await(c.query("SELECT count(*) FROM tx_queued")).single(Long.class)).isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-8 F11: the same with only the statement's Parse/Describe written (a new SQL is described
     * first, pipelined behind the long statement): its Bind/Execute are never written, and it must
     * still fail the transaction rather than end with a bare Sync that leaves it healthy.
     */
    @Test
    void aDescribedStatementTimedOutWhileQueuedInATransactionFailsThatTransactionSoAPipelinedCommitRollsBack() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE tx_described (n int)"));
            await(c.simpleQuery("BEGIN"));
            await(c.query("INSERT INTO tx_described VALUES (1)"));
            CompletableFuture<RowSet> longOne = c.query("SELECT pg_sleep(2)");
            // pipelined behind the sleep: its Parse/Describe written, its Bind/Execute not yet
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO tx_described VALUES (2)")
                    .timeout(Duration.ofMillis(500)).collect();
            CompletableFuture<RowSet> commit = c.query("COMMIT"); // pipelined before the timeout: the caller never saw the error
            assertThat(failure(queued)).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("it was not run");
            await(longOne);
            assertThat(await(commit).commandTag()).as("no commit without the statement that failed").isEqualTo("ROLLBACK");
            assertThat(await(c.query("SELECT count(*) FROM tx_described")).single(Long.class)).isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTimeoutWhileAPageIsStillRunningCancelsItOnTheServer() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            TestSubscriber subscriber = new TestSubscriber(row -> { });
            // the first page (2 rows) takes 10 s on the server
            c.statement("SELECT pg_sleep(5), g FROM generate_series(1, 10) g").fetchSize(2).timeout(Duration.ofMillis(300))
                    .execute().subscribe(subscriber);
            subscriber.request(Long.MAX_VALUE);
            Throwable error = failure(subscriber.done);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 300 ms").hasMessageNotContaining("StatementPlan");
            assertThat(error.getCause()).as("the server's own 57014: the page was cancelled, not waited out")
                    .isInstanceOf(io.pgconn.PgServerException.class).isNotInstanceOf(PgStatementTimeoutException.class);
            assertThat(subscriber.rows.get()).isZero();
            long start = System.nanoTime();
            assertThat(await(c.query("SELECT $1::int", 5)).single(Integer.class)).isEqualTo(5);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the connection is free at once, not after the page")
                    .isLessThan(Duration.ofSeconds(5));
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTimeoutFiresWhileTheSubscriberHasNoDemandAndTheConnectionStaysUsable() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            TestSubscriber subscriber = new TestSubscriber(row -> { });
            c.statement("SELECT g, repeat('x', 1000) AS pad FROM generate_series(1, 1000000) g").timeout(Duration.ofMillis(500))
                    .execute().subscribe(subscriber);
            subscriber.request(3); // RowMetadata and 2 rows; reads pause, the server blocks writing to us
            Throwable error = failure(subscriber.done);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 500 ms").hasMessageNotContaining("StatementPlan");
            assertThat(((PgStatementTimeoutException) error).sqlState()).contains("57014");
            assertThat(subscriber.rows.get()).isEqualTo(2);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the timeout", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT $1::int", 4)).single(Integer.class)).isEqualTo(4);
        } finally {
            await(c.close());
        }
    }
}
