package io.pgconn.r2dbc;

import io.pgconn.internal.session.RoundTrips;
import io.pgconn.query.TransactionStatus;
import io.pgconn.r2dbc.StuckReaders.StuckReader;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.ServerFreeze;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.pgconn.r2dbc.StuckReaders.LARGE;
import static io.pgconn.r2dbc.StuckReaders.STEP;
import static io.pgconn.r2dbc.StuckReaders.pidOf;
import static io.pgconn.r2dbc.StuckReaders.selectOne;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled connection released to r2dbc-pool with work of its borrower still under way must reach the next
 * borrower clean: no read of the last borrower in front of its statements, no transaction of the last
 * borrower around them, and none of the last borrower's locks held meanwhile (docs/r2dbc.md §4).
 */
class ReleasedWithWorkUnderWayIT {

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-released-with-work", 0).build();

    private static final StuckReaders STUCK = new StuckReaders(PG);

    /**
     * The stuck read of the cases that write requests behind it: those keep it from being cancelled (a CancelRequest
     * could hit them), so the release's clean-up reads the rest of its result, and a session whose rest does not
     * arrive within the clean-up's bound (1 s + 10 s here) is closed instead (r2dbc.md §4) — the next borrower then
     * gets a new one. With {@link StuckReaders#LARGE} (some 110 MB) the whole case took 7.8-9.6 s on an idle 2-vCPU
     * host and 10.8-11.6 s beside two busy loops: the rest hardly fit in the bound, and a slower moment fails "the same
     * session". Some 25 MB: still many times what the socket buffers hold (the server blocks sending it).
     */
    private static final String LARGE_READ_IN_TIME = "SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g";

    /**
     * A borrower leaves a subscription to a large result that neither asks for rows nor cancels, and releases
     * the connection (no transaction: the pool runs no rollback). The pool's {@code validate(LOCAL)} passed it
     * on, and the next borrower's statements waited behind the stuck read for ever. The read cut off, the session
     * is idle: no {@code ROLLBACK} "just in case" behind it either (it drew a server WARNING, 25P01, per release).
     */
    @Test
    void aConnectionReleasedBehindAReaderThatNeitherReadsNorCancelsServesTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrowLeavingAStuckReader();
            List<String> notices = noticeCodes(first.connection());
            first.release();

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(first.reader().failure()).isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("preRelease()");
            assertThat(notices).as("server notices: no 25P01 'there is no transaction in progress'").doesNotContain("25P01");
            release(next);
        });
    }

    /**
     * A borrower begins a transaction through SQL (r2dbc-pool sees only {@code beginTransaction()}), takes a
     * lock and releases the connection. It went back to the pool in the transaction: the lock stayed held, and
     * the next borrower's statements ran inside the last borrower's transaction.
     */
    @Test
    void aConnectionReleasedInATransactionBegunThroughSqlIsRolledBackAndItsLocksReleased() {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            run(first.connection(), "BEGIN");
            run(first.connection(), "SELECT pg_advisory_xact_lock(4545)");
            assertThat(STUCK.advisoryLocksOf(first.pid())).isEqualTo("1");
            first.release();

            assertThat(STUCK.advisoryLocksOf(first.pid())).as("the lock is released with the connection").isEqualTo("0");
            assertThat(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + first.pid())).isEqualTo("idle");
            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(next.isAutoCommit()).as("no transaction of the last borrower").isTrue();
            release(next);
        });
    }

    /**
     * beginTransaction()'s BEGIN rides with the transaction's first statement (r2dbc.md §3): a borrower that begins and
     * releases without running anything costs the session nothing — no BEGIN, no ROLLBACK, neither the pool's nor the
     * clean-up's (it was 2 round trips: the BEGIN awaited, the ROLLBACK) — and the next borrower is outside any
     * transaction; one that took a lock in it has it rolled back and the lock released.
     */
    @Test
    void aTransactionBegunThroughTheSpiIsRolledBackAtTheReleaseAndOneThatRanNothingSendsNothing() {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            RoundTrips roundTrips = RoundTrips.on(PgConnUnwrap.pgConnection(first.connection()));
            Mono.from(first.connection().beginTransaction()).block(STEP);
            first.release();
            assertThat(roundTrips.take()).as("no BEGIN, no ROLLBACK").isZero();

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(next.isAutoCommit()).isTrue();
            assertNoTransactionOfTheLastBorrower(next);
            Mono.from(next.beginTransaction()).block(STEP);
            run(next, "SELECT pg_advisory_xact_lock(4646)");
            assertThat(STUCK.advisoryLocksOf(first.pid())).isEqualTo("1");
            release(next);

            assertThat(STUCK.advisoryLocksOf(first.pid())).as("the lock is released with the connection").isEqualTo("0");
            Connection third = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(third.isAutoCommit()).isTrue();
            assertNoTransactionOfTheLastBorrower(third);
            release(third);
        });
    }

    /**
     * REVIEW-20 Y5 at the release: a borrower leaves a copyOut whose reader took one chunk and stopped asking. The copy
     * was no read in progress: the clean-up waited for it until its bound and closed the session. Now it is cut off as
     * a stuck statement read is (cancelled on the server, the rest read past), the reader is told, and the session
     * serves the next borrower.
     */
    @Test
    void aConnectionReleasedBehindACopyOutReaderThatStoppedAskingServesTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            StuckReader reader = new StuckReader(1);
            PgConnUnwrap.copy(first.connection()).copyOut(R2dbcCopyIT.LARGE_EXPORT).subscribe(reader);
            reader.first();
            first.release();

            assertThat(reader.failure()).isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("preRelease()");
            release(pool.nextBorrowerOfTheSession(first.pid()));
        });
    }

    /**
     * The copyIn twin: a borrower leaves a copyIn whose data sent one chunk and then nothing (a slow upload whose client
     * went away). The clean-up cuts it off (CopyFail: the server rolls the COPY back), the copy's Mono is told, and the
     * session serves the next borrower with nothing of the copy kept.
     */
    @Test
    void aConnectionReleasedBehindACopyInWhoseDataStoppedServesTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            run(first.connection(), "DROP TABLE IF EXISTS released_copy_in; CREATE TABLE released_copy_in (id int)");
            CompletableFuture<ByteBuffer> sent = new CompletableFuture<>();
            Flux<ByteBuffer> stalled = Flux.concat(Mono.fromSupplier(() -> ByteBuffer.wrap("1\n".getBytes(StandardCharsets.UTF_8)))
                    .doOnNext(sent::complete), Flux.never());
            CompletableFuture<Throwable> end = new CompletableFuture<>();
            PgConnUnwrap.copy(first.connection()).copyIn("COPY released_copy_in FROM STDIN", stalled)
                    .subscribe(rows -> end.complete(null), end::complete);
            sent.get(STEP.toSeconds(), TimeUnit.SECONDS);
            first.release();

            assertThat(end.get(STEP.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("COPY FROM STDIN").hasMessageContaining("preRelease()");
            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(run(next, "DELETE FROM released_copy_in")).as("nothing of the copy kept").isZero();
            release(next);
        });
    }

    /**
     * A borrower in a transaction begun through the pool leaves a stuck reader and releases: the pool's own
     * {@code rollbackTransaction()} waited for the read for ever (AUDIT-13 L2), so the release never completed
     * and the connection, with its locks, never came back.
     */
    @Test
    void aConnectionReleasedInItsTransactionBehindAStuckReaderRollsBackAndComesBack() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            Mono.from(first.connection().beginTransaction()).block(STEP);
            run(first.connection(), "SELECT pg_advisory_xact_lock(4646)");
            StuckReader reader = first.leaveAStuckReader();
            first.release();

            assertThat(STUCK.advisoryLocksOf(first.pid())).isEqualTo("0");
            assertThat(reader.failure()).hasMessageContaining("rollbackTransaction()");
            release(pool.nextBorrowerOfTheSession(first.pid()));
        });
    }

    /**
     * The first case through a proxy between pool and driver (r2dbc-proxy under Spring Boot), which does not pass
     * {@code Lifecycle} on: the pool never reached the driver's clean-up, and the next borrower waited for ever.
     * {@link PgConnPoolRelease} gives the pool a {@code preRelease} function that finds it under the proxy.
     */
    @Test
    void aConnectionReleasedThroughAProxyBehindAStuckReaderServesTheNextBorrowerWithThePoolRelease() throws Exception {
        inPool("", factory -> PgConnPoolRelease.apply(
                ConnectionPoolConfiguration.builder(WrappingProxies.around(factory)).initialSize(0).maxSize(1)).build(), pool -> {
            Borrower first = pool.borrowLeavingAStuckReader();
            first.release();

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(first.reader().failure()).hasMessageContaining("preRelease()");
            release(next);
        });
    }

    /**
     * A borrower turns auto-commit off, commits and releases; the setting stayed with the pooled connection, so
     * the next borrower's INSERT in (expected) auto-commit went out behind a BEGIN sent ahead, and the clean-up
     * on its release rolled it back: work reported done, silently lost (AUDIT-14 M2).
     */
    @Test
    void aNextBorrowersAutoCommitWriteIsCommittedThoughTheLastBorrowerTurnedAutoCommitOff() {
        PG.primary().execute(R2dbcTestServer.DATABASE, "CREATE TABLE IF NOT EXISTS released_auto_commit (id int); "
                + "GRANT ALL ON released_auto_commit TO " + R2dbcTestServer.USER);
        inPoolOfOne(pool -> {
            Connection first = pool.create();
            Mono.from(first.setAutoCommit(false)).block(STEP);
            run(first, "INSERT INTO released_auto_commit VALUES (1)");
            Mono.from(first.commitTransaction()).block(STEP);
            release(first);

            Connection next = pool.create();
            assertThat(next.isAutoCommit()).as("auto-commit, the R2DBC default, for the next borrower").isTrue();
            assertThat(run(next, "INSERT INTO released_auto_commit VALUES (2)")).isEqualTo(1L);
            release(next);
        });
        assertThat(PG.primary().queryValue(R2dbcTestServer.DATABASE,
                "SELECT count(*) FROM released_auto_commit WHERE id = 2"))
                .as("the next borrower's auto-commit INSERT is committed").isEqualTo("1");
    }

    /**
     * A borrower leaves a stuck reader and pipelines a BEGIN and a lock behind it, giving up on their answers
     * (timeouts): the next borrower gets the session idle, no lock of the last borrower held. Coverage for
     * AUDIT-14 M1's sketch, which passes before any change here: the core turns statements given up on before
     * their Sync into ones that fail (or withdraws them), so the BEGIN never opens a transaction.
     */
    @Test
    void aTransactionBegunBehindAStuckReaderIsRolledBackBeforeTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrowLeavingAStuckReader(LARGE_READ_IN_TIME);
            givenUp(first.connection(), "BEGIN");
            givenUp(first.connection(), "SELECT pg_advisory_xact_lock(4747)");
            first.release();
            first.reader().failure();

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertNoTransactionOfTheLastBorrower(next);
            assertThat(STUCK.advisoryLocksOf(first.pid())).as("none of the last borrower's locks held").isEqualTo("0");
            release(next);
        });
    }

    /**
     * A borrower releases in a transaction begun through SQL while the server has stopped answering (frozen):
     * the clean-up's ROLLBACK waited for an answer without a bound, r2dbc-pool has no release timeout, so
     * {@code close()} never completed and the slot was lost (AUDIT-14 L4). Bounded as {@code validate(REMOTE)}
     * (here connectTimeout, 2 s), then the session is closed — and the pool drops it at once: the clean-up's
     * success put the closed session back idle (session 26), where the next acquire found it invalid.
     */
    @Test
    void aConnectionReleasedInATransactionOnAServerThatStoppedAnsweringIsClosedAfterABound() {
        inPoolOfOne("connectTimeout=2s", pool -> {
            Connection first = pool.create();
            run(first, "BEGIN");
            io.pgconn.PgConnection session = PgConnUnwrap.pgConnection(first);
            try (ServerFreeze frozen = ServerFreeze.of(PG.primary())) {
                release(first);
                assertThat(session.isClosed()).as("the session that could not be cleaned up is closed").isTrue();
                PoolMetrics metrics = pool.pool().getMetrics().orElseThrow();
                awaitCondition("the pool to drop the closed session, not keep it idle", STEP,
                        () -> metrics.allocatedSize() == 0 && metrics.idleSize() == 0);
            }
        });
    }

    /**
     * AUDIT-14 M1, the script variant: a borrower's script begins a transaction, takes a lock and leaves its last
     * result subscribed without demand. The release cut the script off, but its reader was never failed: the
     * cut-off's error waited behind the rows kept for that result, which nobody asked for.
     */
    @Test
    void aScriptThatBeganATransactionReleasedWithItsLastResultStuckIsCutOffRolledBackAndItsReaderFailed() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            List<Result> results = scriptResults(first.connection(), "BEGIN; SELECT pg_advisory_xact_lock(4848); " + LARGE, 3);
            Flux.from(results.get(0).getRowsUpdated()).blockLast(STEP);
            Flux.from(results.get(1).getRowsUpdated()).blockLast(STEP);
            StuckReader reader = StuckReaders.reading(results.get(2));
            assertThat(STUCK.advisoryLocksOf(first.pid())).isEqualTo("1");
            first.release();

            assertThat(STUCK.advisoryLocksOf(first.pid())).as("the script's transaction is rolled back, its lock released").isEqualTo("0");
            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(PgConnUnwrap.pgConnection(next).transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(reader.failure()).as("the stuck reader is told its read was cut off")
                    .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("preRelease()");
            release(next);
        });
    }

    /**
     * AUDIT-14 M1: a borrower gives up on a {@code beginTransaction()} written behind its stuck reader (a timeout;
     * the BEGIN runs to its end regardless). The release cut the reader off and then decided from the transaction
     * status of the ReadyForQuery before the BEGIN's: no ROLLBACK, and the next borrower's statements ran inside
     * the last borrower's transaction.
     */
    @Test
    void aBeginGivenUpOnBehindAStuckReaderIsRolledBackBeforeTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrowLeavingAStuckReader(LARGE_READ_IN_TIME);
            Mono.from(first.connection().beginTransaction()).timeout(Duration.ofMillis(200)).onErrorResume(error -> Mono.empty())
                    .block(STEP);
            first.release();
            first.reader().failure();

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertNoTransactionOfTheLastBorrower(next);
            assertThat(next.isAutoCommit()).isTrue();
            release(next);
        });
    }

    /**
     * AUDIT-14 M1, the race without a stuck reader: a borrower's chain is cancelled while its BEGIN is written and
     * unanswered (WebFlux cancels on a client disconnect; here the server is frozen meanwhile). Nothing was read
     * or unread, the status still said idle, so the release passed the connection on at once, and the BEGIN's
     * answer then put the next borrower inside the last borrower's transaction.
     */
    @Test
    void aBeginGivenUpOnBeforeItsAnswerIsRolledBackBeforeTheNextBorrower() throws Exception {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            CompletableFuture<Void> released;
            try (ServerFreeze frozen = ServerFreeze.of(PG.primary())) {
                Mono.from(first.connection().beginTransaction()).timeout(Duration.ofMillis(200)).onErrorResume(error -> Mono.empty())
                        .block(STEP);
                released = Mono.from(first.connection().close()).toFuture();
            }
            released.get(STEP.toSeconds(), TimeUnit.SECONDS);

            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertNoTransactionOfTheLastBorrower(next);
            assertThat(next.isAutoCommit()).isTrue();
            release(next);
        });
    }

    /**
     * The idiomatic single-row read, {@code Mono.from(result.map(...))}, cancels its result after the first row; the
     * release came while that statement's ReadyForQuery was still unread, so the clean-up wrote {@code ROLLBACK}
     * "just in case" on an autocommit session: one server WARNING "there is no transaction in progress" (25P01)
     * per read (NEW-USER-13 F9). The clean-up now waits for what is in flight and rolls back only a transaction.
     */
    @Test
    void firstRowReadsReleasedRightAfterTheirCancelSendNoRollbackOnAnAutocommitSession() {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            List<String> notices = noticeCodes(first.connection());
            first.release();
            for (int i = 0; i < 20; i++) {
                assertThat(Mono.usingWhen(pool.pool().create(), ReleasedWithWorkUnderWayIT::firstRow, Connection::close).block(STEP))
                        .isEqualTo(1);
            }
            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertThat(notices).as("server notices: no 25P01 'there is no transaction in progress'").doesNotContain("25P01");
            assertNoTransactionOfTheLastBorrower(next);
            release(next);
        });
    }

    /**
     * The same read inside a transaction begun through SQL (which the pool does not see), released right after its
     * cancel: the transaction, and its lock, still end with the release.
     */
    @Test
    void aFirstRowReadCancelledInsideATransactionIsRolledBackAtTheRelease() {
        inPoolOfOne(pool -> {
            Borrower first = pool.borrow();
            run(first.connection(), "BEGIN");
            run(first.connection(), "SELECT pg_advisory_xact_lock(4747)");
            assertThat(firstRow(first.connection()).block(STEP)).isEqualTo(1);
            first.release();

            assertThat(STUCK.advisoryLocksOf(first.pid())).as("the lock is released with the connection").isEqualTo("0");
            Connection next = pool.nextBorrowerOfTheSession(first.pid());
            assertNoTransactionOfTheLastBorrower(next);
            release(next);
        });
    }

    /**
     * REVIEW-18 L6: the clean-up looked at what the borrower left when {@code preRelease()} built its Mono, not when
     * the pool subscribed to it. Built (and run once) on an idle connection, then subscribed again after a borrower
     * left a stuck reader: the stale look took the fast path, waited for the stuck read and closed the session at the
     * bound. Looked at on subscription, the read is cut off, its reader told, and the session is kept.
     */
    @Test
    void theReleaseCleanUpLooksAtTheConnectionWhenSubscribedNotWhenBuilt() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), "connectTimeout=2s"))) {
            PgConnR2dbcConnection connection = (PgConnR2dbcConnection) Mono.from(factory.create()).block(STEP);
            try {
                Mono<Void> release = connection.preRelease(); // built while nothing is under way
                release.block(STEP);
                Borrower borrower = new Borrower(connection, pidOf(connection), null);
                StuckReader reader = borrower.leaveAStuckReader();

                release.block(STEP); // subscribed again, a read now stuck

                assertThat(reader.failure()).as("the stuck read is cut off by the clean-up")
                        .isInstanceOf(R2dbcNonTransientResourceException.class).hasMessageContaining("preRelease()");
                assertThat(PgConnUnwrap.pgConnection(connection).isClosed()).as("the session is cleaned up, not closed").isFalse();
                assertThat(selectOne(connection)).isEqualTo(1);
            } finally {
                release(connection);
            }
        }
    }

    /**
     * A script's result whose reader asks for nothing, its session then closed under it without a cut-off — the
     * starter's close of an unresponsive host's connections, the application's own close of the core session, a
     * release's close after a clean-up whose cut-off the reader had already heard for another read: the reader is told
     * that the session ended. Seen failing before (no failure within 20 s): the end waited behind the rows held for that
     * result, in the core (a script's errors came after its held segments, the session's end too) and in
     * {@code ScriptResults} (the failing statement's kept rows first), which nobody asked for. A statement's reader
     * was told already ({@code RollbackWhileReadingIT.aCloseBehindAReaderThatNeitherReadsNorCancels...}).
     */
    @Test
    void aScriptResultReaderThatAsksForNothingIsToldWhenItsSessionIsClosedUnderIt() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                R2dbcTestServer.url(PG.primary(), ""))) {
            Connection connection = Mono.from(factory.create()).block(STEP);
            int pid = pidOf(connection);
            List<Result> results = scriptResults(connection, "SELECT 1; " + LARGE, 2);
            Flux.from(results.get(0).getRowsUpdated()).blockLast(STEP);
            StuckReader reader = StuckReaders.reading(results.get(1));
            awaitCondition("the server blocked writing to the reader that asks for nothing", STEP,
                    () -> "ClientWrite".equals(PG.primary().queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid)));

            PgConnUnwrap.pgConnection(connection).close();

            assertThat(reader.failure()).as("the reader is told its session ended").isNotNull();
            Mono.from(connection.close()).block(STEP);
        }
    }

    /** The SQLSTATEs of the server's notices to the session under {@code connection} from now on. */
    private static List<String> noticeCodes(Connection connection) {
        List<String> codes = new CopyOnWriteArrayList<>();
        PgConnUnwrap.pgConnection(connection).noticeListener(notice -> codes.add(notice.code()));
        return codes;
    }

    /** {@code Mono.from(result.map(...))} of a three-row result: cancels the result after its first row. */
    private static Mono<Integer> firstRow(Connection connection) {
        return Mono.from(connection.createStatement("SELECT g FROM generate_series(1, 3) g").execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> row.get(0, Integer.class))));
    }

    /** The first {@code count} results of a script, handed out and not read; no demand for more (none is skipped). */
    private static List<Result> scriptResults(Connection connection, String script, int count) {
        List<Result> results = new CopyOnWriteArrayList<>();
        Flux.from(connection.createStatement(script).execute()).subscribe(new BaseSubscriber<Result>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(count);
            }

            @Override
            protected void hookOnNext(Result result) {
                results.add(result);
            }
        });
        awaitCondition(count + " results of the script", STEP, () -> results.size() == count);
        return results;
    }

    /** A statement written to the session whose answer its borrower stopped waiting for. */
    private static void givenUp(Connection connection, String sql) {
        Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated)
                .timeout(Duration.ofMillis(200)).onErrorResume(error -> Mono.empty()).blockLast(STEP);
    }

    /** Runs {@code sql} to its end: the rows it updated. */
    private static Long run(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated).blockLast(STEP);
    }

    private static void release(Connection connection) {
        Mono.from(connection.close()).block(STEP);
    }

    private static void assertNoTransactionOfTheLastBorrower(Connection next) {
        assertThat(PgConnUnwrap.pgConnection(next).transactionStatus())
                .as("no transaction of the last borrower around the next one's statements")
                .isEqualTo(TransactionStatus.IDLE);
    }

    /** A borrower of the pool's one connection: the session's backend pid, and the reader it left stuck, if any. */
    private record Borrower(Connection connection, int pid, StuckReader reader) {

        /** Subscribes to {@link StuckReaders#LARGE} without reading or cancelling, and waits until the server runs it. */
        StuckReader leaveAStuckReader() {
            return leaveAStuckReader(LARGE);
        }

        /** Subscribes to the rows of {@code sql} without reading or cancelling, and waits until the server runs it. */
        StuckReader leaveAStuckReader(String sql) {
            StuckReader stuck = StuckReaders.of(connection, sql);
            STUCK.awaitActive(pid, sql);
            return stuck;
        }

        /** Hands the connection back to the pool ({@code close()}), waiting for the release to complete. */
        void release() {
            ReleasedWithWorkUnderWayIT.release(connection);
        }
    }

    /** A pool of one connection: each borrower after the first gets the session the last one released. */
    private record PoolOfOne(ConnectionPool pool) {

        /** The pool's connection, nothing run on it. */
        Connection create() {
            return pool.create().block(STEP);
        }

        /** The pool's connection and its session's backend pid. */
        Borrower borrow() {
            Connection connection = create();
            return new Borrower(connection, pidOf(connection), null);
        }

        /** A borrower who left a reader of a large result that neither reads nor cancels, the server running it. */
        Borrower borrowLeavingAStuckReader() {
            return borrowLeavingAStuckReader(LARGE);
        }

        /** {@link #borrowLeavingAStuckReader()} of the rows of {@code sql}. */
        Borrower borrowLeavingAStuckReader(String sql) {
            Borrower borrower = borrow();
            return new Borrower(borrower.connection(), borrower.pid(), borrower.leaveAStuckReader(sql));
        }

        /**
         * The next borrower, which starts clean: the same session as the last borrower's ({@code pid}), not a new
         * one, which answers a statement at once (nothing of the last borrower's in front of it).
         */
        Connection nextBorrowerOfTheSession(int pid) {
            Connection next = create();
            assertThat(pidOf(next)).as("the same session, not a new one").isEqualTo(pid);
            assertThat(selectOne(next)).isEqualTo(1);
            return next;
        }
    }

    private interface PoolWork {
        void run(PoolOfOne pool) throws Exception;
    }

    private static void inPoolOfOne(PoolWork work) {
        inPoolOfOne("", work);
    }

    private static void inPoolOfOne(String query, PoolWork work) {
        inPool(query, factory -> ConnectionPoolConfiguration.builder(factory).initialSize(0).maxSize(1).build(), work);
    }

    private static void inPool(String query, Function<PgConnR2dbcConnectionFactory, ConnectionPoolConfiguration> configuration,
                               PoolWork work) {
        try (PgConnR2dbcConnectionFactory factory =
                     (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), query))) {
            ConnectionPool pool = new ConnectionPool(configuration.apply(factory));
            try {
                work.run(new PoolOfOne(pool));
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }
}
