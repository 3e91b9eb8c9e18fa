package io.pgconn.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a connection while its statement runs (docs/lifecycle.md §4) leaves the server's log as a libpq user's
 * cancel-then-finish would: the CancelRequest reaches the backend while its session socket is still open, the backend
 * ends the statement (57014) and reads the Terminate — no "connection to client lost" (a FATAL DBAs alert on), no
 * "could not send data to client", no cancel request for a backend that is gone (new user 19, F3). Each case reads the
 * server's log from its start to a marker written after the backend is gone. A server of its own, so no other test
 * class writes to that log meanwhile.
 */
class BusyCloseServerLogIT {

    private static final String MANY_ROWS = "SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 2000000) g";
    private static final AtomicLong MARKS = new AtomicLong();

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("busyclose18")
            .majorVersion(18)
            .user(io.pgconn.testkit.PgUser.named(QueryCluster.USER)
                    .allow(io.pgconn.testkit.ConnectionType.HOST, io.pgconn.testkit.AuthMethod.TRUST))
            .build();

    private static PgConnectionFactory factory;
    private long logStart;

    @BeforeAll
    static void factory() {
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2).build();
    }

    @AfterAll
    static void closeFactory() {
        factory.close();
    }

    @BeforeEach
    void markTheLog() throws IOException {
        logStart = Files.size(PG.primary().logFile());
    }

    private static PgConnection connect() {
        return await(factory.connect(config()));
    }

    private static ConnConfig config() {
        return Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable extensionTypes=''");
    }

    @Test
    void closingDuringALongStatementCancelsItBeforeTheSocketCloses() throws Exception {
        PgConnection c = connect();
        CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(120)");
        int pid = c.processId();
        Backends.awaitActive(PG.primary(), pid);

        await(c.close());

        assertThat(failure(sleeping)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        assertThat(logUntilNow()).as("the server's log")
                .contains("[" + pid + "]").contains("canceling statement due to user request");
        assertClean(logUntilNow());
    }

    /**
     * While the close keeps the channel open (its CancelRequest under way), a request fails as after the close: the end
     * of the requests in flight too, which used to take its place in the emptied FIFO and complete with the status of a
     * session that is closing (REVIEW-20 C1).
     */
    @Test
    void whatIsAskedWhileTheCloseCancelsFailsAsClosed() throws Exception {
        PgConnection c = connect();
        CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(120)");
        Backends.awaitActive(PG.primary(), c.processId());

        CompletableFuture<Void> closed = c.close();
        CompletableFuture<TransactionStatus> status = c.transactionStatusAfterInFlight();
        CompletableFuture<QueryResult> query = c.simpleQuery("SELECT 1");

        assertThat(failure(status)).isInstanceOf(PgClosedException.class);
        assertThat(failure(query)).isInstanceOf(PgClosedException.class);
        assertThat(failure(sleeping)).isInstanceOf(PgClosedException.class);
        await(closed);
        Backends.awaitGone(PG.primary(), c.processId());
        assertClean(logUntilNow());
    }

    @Test
    void closingAnAbandonedStreamCancelsItBeforeTheSocketCloses() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        TestSubscriber subscriber = new TestSubscriber(row -> { });
        c.statement(MANY_ROWS).execute().subscribe(subscriber);
        subscriber.request(11); // RowMetadata, then 10 rows: the server soon blocks writing the rest
        awaitWaitEvent(pid, "ClientWrite");

        await(c.close());

        assertThat(failure(subscriber.done)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        assertClean(logUntilNow());
    }

    @Test
    void cancellingAStreamsSubscriptionThenClosingLeavesTheLogClean() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        TestSubscriber subscriber = new TestSubscriber(row -> { });
        c.statement(MANY_ROWS).execute().subscribe(subscriber);
        subscriber.request(11);
        awaitWaitEvent(pid, "ClientWrite");

        subscriber.cancel();
        await(c.close());

        Backends.awaitGone(PG.primary(), pid);
        assertClean(logUntilNow());
    }

    @Test
    void closingAPipelineCancelsEachStatementInTurn() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        CompletableFuture<QueryResult> first = c.simpleQuery("SELECT pg_sleep(120)");
        CompletableFuture<QueryResult> second = c.simpleQuery("SELECT pg_sleep(121)");
        Backends.awaitActive(PG.primary(), pid);

        await(c.close());

        assertThat(failure(first)).isInstanceOf(PgClosedException.class);
        assertThat(failure(second)).isInstanceOf(PgClosedException.class);
        // without a cancel for the second, its backend would sleep on for two minutes, past this wait
        Backends.awaitGone(PG.primary(), pid);
        String log = logUntilNow();
        assertThat(log).as("the server's log").contains("STATEMENT:  SELECT pg_sleep(120)").contains("STATEMENT:  SELECT pg_sleep(121)");
        assertClean(log);
    }

    @Test
    void closingAPagedStreamWaitingForItsNextExecuteLeavesTheLogClean() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        TestSubscriber subscriber = new TestSubscriber(row -> { });
        c.statement(MANY_ROWS).fetchSize(50).execute().subscribe(subscriber);
        subscriber.request(11);
        awaitWaitEvent(pid, "ClientRead"); // the portal suspended, its Sync not written: the backend waits for us

        await(c.close());

        assertThat(failure(subscriber.done)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        assertClean(logUntilNow());
    }

    @Test
    void closingAPagedStreamWhoseExecuteRunsCancelsIt() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        TestSubscriber subscriber = new TestSubscriber(row -> { });
        c.statement("SELECT g, pg_sleep(60) FROM generate_series(1, 10) g").fetchSize(5).execute().subscribe(subscriber);
        subscriber.request(11);
        Backends.awaitActive(PG.primary(), pid); // its first Execute runs, the Sync not written

        await(c.close());

        assertThat(failure(subscriber.done)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        String log = logUntilNow();
        assertThat(log).as("the server's log").contains("[" + pid + "]").contains("canceling statement due to user request");
        assertClean(log);
    }

    @Test
    void closingTheFactoryWithStatementsRunningLeavesTheLogClean() throws Exception {
        PgConnectionFactory own = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        PgConnection sleeping = await(own.connect(config()));
        PgConnection streaming = await(own.connect(config()));
        CompletableFuture<QueryResult> sleep = sleeping.simpleQuery("SELECT pg_sleep(120)");
        TestSubscriber subscriber = new TestSubscriber(row -> { });
        streaming.statement(MANY_ROWS).execute().subscribe(subscriber);
        subscriber.request(11);
        Backends.awaitActive(PG.primary(), sleeping.processId());
        awaitWaitEvent(streaming.processId(), "ClientWrite");

        await(own.closeAsync(Duration.ofSeconds(10)));

        assertThat(failure(sleep)).isInstanceOf(PgClosedException.class).hasMessageContaining("factory was closed");
        assertThat(failure(subscriber.done)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), sleeping.processId(), streaming.processId());
        assertClean(logUntilNow());
    }

    /**
     * REVIEW-20 Y3/C2: a copyIn whose publisher stalls (the backend waits in COPY-IN mode for data) is ended with
     * CopyFail before the Terminate; a Terminate read in COPY-IN mode is "unexpected message type 0x58 during COPY from
     * stdin". The close waits for the COPY's ReadyForQuery (a simple Query's comes: it holds the writes but no Sync).
     */
    @Test
    void closingACopyInWhosePublisherStallsEndsTheCopyBeforeTheTerminate() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        await(c.simpleQuery("CREATE TEMP TABLE busy_copy (id int, name text)"));
        CompletableFuture<Long> copy = c.copyIn("COPY busy_copy FROM STDIN", subscriber -> subscriber.onSubscribe(
                new java.util.concurrent.Flow.Subscription() {
                    private boolean sent;

                    @Override
                    public void request(long n) {
                        if (!sent) {
                            sent = true;
                            subscriber.onNext(java.nio.ByteBuffer.wrap("1\tone\n".getBytes(StandardCharsets.UTF_8)));
                        }
                        // and then nothing: the backend waits for more
                    }

                    @Override
                    public void cancel() {
                    }
                }));
        awaitWaitEvent(pid, "ClientRead");
        assertThat(copy).isNotDone();

        await(c.close());

        assertThat(failure(copy)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        String log = logUntilNow();
        assertThat(log).as("the server's log").doesNotContain("unexpected message type");
        assertClean(log);
    }

    /**
     * REVIEW-22 R22-5: the extended protocol's COPY FROM STDIN ({@code query}, its Sync written only in reply) closed
     * before its CopyInResponse came (it waits for a lock): the close writes CopyFail and Sync at once; the backend,
     * its lock wait cancelled, skips the CopyFail to the Sync, answers it, then reads the Terminate.
     */
    @Test
    void closingAnExtendedCopyFromStdinBeforeItsAnswerLeavesTheLogClean() throws Exception {
        PG.primary().execute("CREATE TABLE IF NOT EXISTS busy_copy_locked (id int); GRANT ALL ON busy_copy_locked TO " + QueryCluster.USER);
        PgConnection holder = connect();
        await(holder.simpleQuery("BEGIN; LOCK TABLE busy_copy_locked IN ACCESS EXCLUSIVE MODE"));
        PgConnection c = connect();
        int pid = c.processId();
        CompletableFuture<RowSet> copy = c.query("COPY busy_copy_locked FROM STDIN");
        awaitWaitEvent(pid, "relation");

        await(c.close());

        assertThat(failure(copy)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        await(holder.close());
        String log = logUntilNow();
        assertThat(log).as("the server's log").doesNotContain("unexpected message type");
        assertClean(log);
    }

    @Test
    void closingAnUnreadCopyOutCancelsItBeforeTheSocketCloses() throws Exception {
        PgConnection c = connect();
        int pid = c.processId();
        CopyCollector out = new CopyCollector(false, 0);
        c.copyOut("COPY (" + MANY_ROWS + ") TO STDOUT").subscribe(out);
        out.request(10);
        awaitWaitEvent(pid, "ClientWrite");

        await(c.close());

        assertThat(failure(out.done)).isInstanceOf(PgClosedException.class);
        Backends.awaitGone(PG.primary(), pid);
        assertClean(logUntilNow());
    }

    private static void awaitWaitEvent(int pid, String event) {
        Backends.awaitWaitEvent(PG.primary(), pid, event);
    }

    private static void assertClean(String log) {
        assertThat(log).as("the server's log while the test ran")
                .doesNotContain("connection to client lost")
                .doesNotContain("could not send data to client")
                .doesNotContain("did not match any process")
                .doesNotContain("unexpected EOF on client connection")
                .doesNotContain("Connection reset by peer");
    }

    /** The server's log since the test began, up to a marker logged now (what was logged before it is in the file). */
    private String logUntilNow() throws IOException {
        PgServer server = PG.primary();
        String marker = "busy-close-mark-" + MARKS.incrementAndGet();
        server.execute("DO $$ BEGIN RAISE LOG '" + marker + "'; END $$");
        String[] log = new String[1];
        Conditions.awaitCondition("marker " + marker + " in the server's log", () -> {
            log[0] = since(logStart);
            return log[0].contains(marker);
        });
        return log[0];
    }

    private static String since(long offset) {
        try {
            byte[] all = Files.readAllBytes(PG.primary().logFile());
            return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
