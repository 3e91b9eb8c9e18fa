package io.pgconn.query;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.codec.PgConversionException;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.Transport;
import io.pgconn.internal.session.RoundTrips;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PgConnection.beginWithFirstStatement} (docs/query.md §5, NEW-USER-25 F1): the BEGIN rides in the first
 * statement's Sync group — one round trip fewer than {@code begin()}, counted as the ReadyForQuery messages the connection
 * reads ({@link RoundTrips}: one per Sync group or simple Query) — and a BEGIN that fails (read-write on a hot standby, 0A000) fails that statement and
 * everything held behind it, unsent, so nothing of the transaction runs outside it.
 */
@Timeout(120)
class BeginWithFirstStatementIT {

    private static final String USER = "query_u";
    private static final TransactionOptions READ_WRITE = TransactionOptions.DEFAULT.readOnly(false);
    /** A standby's answer to BEGIN READ WRITE: "cannot set transaction read-write mode during recovery". */
    private static final String BEGIN_REFUSED = "0A000";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("begin-with-first")
            .majorVersion(18)
            .standbys(1)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
            .build();

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static PgConnection connect(PgServer server) {
        return connect(server, "extensionTypes=''");
    }

    private static PgConnection connect(PgServer server, String extra) {
        return await(FACTORY.factory().connect(Connect.config(server, USER, null, "sslmode=disable " + extra)));
    }

    /**
     * The factory's event loops were shut down under an open session: a transaction begun with its first statement and
     * the wait for what is in flight fail saying why and that nothing was sent, as a statement submitted after the
     * session's end does (before: the bare "connection to ... closed", which reads like one the server may have run).
     */
    @Test
    void aBeginRefusedByAShutDownEventLoopSaysWhyAndThatNothingWasSent() throws Exception {
        EventLoopGroup group = Transport.NIO.newEventLoopGroup(1);
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).eventLoopGroup(group).build();
        try {
            PgConnection c = await(factory.connect(Connect.config(PG.primary(), USER, null, "sslmode=disable extensionTypes=''")));
            assertThat(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(failure(c.beginWithFirstStatement(READ_WRITE))).isInstanceOf(PgClosedException.class)
                    .hasMessageStartingWith("connection to " + c.host() + " closed")
                    .hasMessageContaining("event loop is shut down")
                    .hasMessageEndingWith("; the statement was not sent, so it did not run");
            assertThat(failure(c.transactionStatusAfterInFlight())).isInstanceOf(PgClosedException.class)
                    .hasMessageEndingWith("; the statement was not sent, so it did not run");
        } finally {
            factory.close();
        }
    }

    @Test
    void theBeginRidesInTheFirstStatementsSyncGroupOneRoundTripFewerThanBegin() {
        PgConnection c = connect(PG.primary());
        try {
            await(c.simpleQuery("CREATE TABLE bwf_rows (n int)"));
            RoundTrips groups = RoundTrips.on(c);

            await(c.begin());
            await(c.query("INSERT INTO bwf_rows VALUES ($1)", 1));
            await(c.commit());
            assertThat(groups.take()).as("begin(): BEGIN, INSERT, COMMIT each a round trip").isEqualTo(3);

            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            assertThat(c.transactionStatus()).as("open from the call on").isEqualTo(TransactionStatus.IN_TRANSACTION);
            assertThat(groups.take()).as("nothing sent yet").isZero();
            await(c.query("INSERT INTO bwf_rows VALUES ($1)", 2));
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.query("INSERT INTO bwf_rows VALUES ($1)", 3));
            await(c.commit());
            assertThat(groups.take()).as("BEGIN+INSERT, INSERT, COMMIT").isEqualTo(3);

            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            await(c.query("INSERT INTO bwf_rows VALUES ($1)", 4));
            await(c.commit());
            assertThat(groups.take()).as("BEGIN+INSERT, COMMIT: pgjdbc's two").isEqualTo(2);

            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            await(c.query("INSERT INTO bwf_rows VALUES ($1)", 5));
            await(c.rollback());
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(await(c.query("SELECT n FROM bwf_rows ORDER BY n")).rows())
                    .as("the first statement ran inside the transaction: its rollback undid it")
                    .extracting(r -> r.get(0, Integer.class)).containsExactly(1, 2, 3, 4);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aTransactionWithNoStatementSendsNothing() {
        PgConnection c = connect(PG.primary());
        try {
            RoundTrips groups = RoundTrips.on(c);
            await(c.beginWithFirstStatement(READ_WRITE));
            await(c.commit());
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            await(c.rollback());
            assertThat(groups.take()).as("neither BEGIN nor COMMIT/ROLLBACK").isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    /**
     * The hazard of a BEGIN pipelined with a Sync of its own, on the old {@code begin()}: a session-level
     * {@code set_config} behind a failed BEGIN READ WRITE on a standby runs outside any transaction and stays. With
     * the BEGIN in the statement's Sync group, the statement and everything submitted behind it before the answer —
     * statements, a simple query, the commit — fail with the BEGIN's 0A000 and nothing of them ran.
     */
    @Test
    void aFailedBeginOnAStandbyFailsTheFirstStatementAndEverythingHeldAndRunsNothing() {
        PgConnection c = connect(PG.standby(0));
        try {
            CompletableFuture<Void> pipelinedBegin = c.begin(READ_WRITE);
            CompletableFuture<RowSet> outside = c.query("SELECT set_config('bwf.marker', 'ran outside', false)");
            assertThat(sqlState(failure(pipelinedBegin))).isEqualTo(BEGIN_REFUSED);
            await(outside);
            assertThat(marker(c)).as("begin() pipelined: the statement behind the failed BEGIN ran autocommitted")
                    .isEqualTo("ran outside");
            await(c.simpleQuery("RESET bwf.marker"));

            RoundTrips groups = RoundTrips.on(c);
            await(c.beginWithFirstStatement(READ_WRITE));
            CompletableFuture<RowSet> first = c.query("SELECT set_config('bwf.marker', 'first', false)");
            CompletableFuture<RowSet> second = c.query("SELECT set_config('bwf.marker', 'second', false)");
            CompletableFuture<?> third = c.simpleQuery("SELECT set_config('bwf.marker', 'third', false)");
            CompletableFuture<Void> commit = c.commit();
            for (CompletableFuture<?> f : List.of(first, second, third, commit)) {
                assertThat(sqlState(failure(f))).as("each with the BEGIN's error").isEqualTo(BEGIN_REFUSED);
            }
            assertThat(groups.take()).as("only the first statement's group was sent").isEqualTo(1);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(marker(c)).as("nothing of the transaction ran").isEmpty();

            await(c.beginWithFirstStatement(READ_WRITE));
            assertThat(sqlState(failure(c.query("SELECT set_config('bwf.marker', 'first', false)")))).isEqualTo(BEGIN_REFUSED);
            assertThat(c.transactionStatus()).as("failed: only a rollback ends it").isEqualTo(TransactionStatus.FAILED);
            CompletableFuture<RowSet> later = c.query("SELECT set_config('bwf.marker', 'later', false)");
            assertThat(sqlState(failure(later))).as("submitted after the failure: refused, unsent").isEqualTo(BEGIN_REFUSED);
            groups.take();
            await(c.rollback());
            assertThat(groups.take()).as("the rollback of a transaction that never began sends nothing").isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(marker(c)).isEmpty();
            assertThat(await(c.query("SELECT pg_is_in_recovery()")).single(Boolean.class)).as("usable after").isTrue();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aSimpleQueryFirstGetsABeginOfItsOwnAndSavepointsWorkAsBefore() {
        PgConnection c = connect(PG.primary());
        try {
            await(c.simpleQuery("CREATE TABLE bwf_simple (n int)"));
            RoundTrips groups = RoundTrips.on(c);
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            await(c.simpleQuery("INSERT INTO bwf_simple VALUES (1)"));
            assertThat(groups.take()).as("a BEGIN of its own in front of the simple query").isEqualTo(2);
            await(c.setSavepoint("s1"));
            await(c.query("INSERT INTO bwf_simple VALUES ($1)", 2));
            await(c.rollbackToSavepoint("s1"));
            await(c.query("INSERT INTO bwf_simple VALUES ($1)", 3));
            await(c.releaseSavepoint("s1"));
            await(c.rollback());
            assertThat(await(c.query("SELECT count(*)::int FROM bwf_simple")).single(Integer.class)).isZero();

            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            await(c.setSavepoint("s2"));
            await(c.query("INSERT INTO bwf_simple VALUES ($1)", 4));
            await(c.rollbackToSavepoint("s2"));
            await(c.query("INSERT INTO bwf_simple VALUES ($1)", 5));
            await(c.commit());
            assertThat(await(c.query("SELECT n FROM bwf_simple")).rows()).extracting(r -> r.get(0, Integer.class))
                    .containsExactly(5);
        } finally {
            await(c.close());
        }
    }

    /** A first statement that times out while running: the transaction began and failed, so the commit rolls back. */
    @Test
    void aFirstStatementThatTimesOutFailsTheTransactionAndWhatIsHeldBehindIt() {
        PgConnection c = connect(PG.primary());
        try {
            await(c.simpleQuery("CREATE TABLE bwf_timeout (n int)"));
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            CompletableFuture<List<RowSet>> slow = c.statement("INSERT INTO bwf_timeout SELECT 1 FROM pg_sleep(30)")
                    .timeout(Duration.ofMillis(200)).collect();
            CompletableFuture<RowSet> behind = c.query("INSERT INTO bwf_timeout VALUES ($1)", 2);
            assertThat(failure(slow)).isInstanceOf(PgStatementTimeoutException.class);
            assertThat(sqlState(failure(behind))).as("in the failed transaction, not autocommitted").isEqualTo("25P02");
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.FAILED);
            assertThat(failure(c.commit())).isInstanceOf(PgTransactionRolledBackException.class);
            assertThat(await(c.query("SELECT count(*)::int FROM bwf_timeout")).single(Integer.class)).isZero();
        } finally {
            await(c.close());
        }
    }

    /**
     * A first statement whose timeout passes while it is queued behind an earlier request: it still carries the BEGIN
     * and is written as a statement the server rejects, so the transaction began and failed (as a statement withdrawn
     * inside any transaction), and nothing behind it commits.
     */
    @Test
    void aFirstStatementThatTimesOutWhileQueuedStillBeginsTheTransactionAndFailsIt() {
        PgConnection c = connect(PG.primary());
        try {
            await(c.simpleQuery("CREATE TABLE bwf_queued (n int)"));
            // a statement with a timeout holds later writes until its ReadyForQuery: the first statement stays unwritten
            CompletableFuture<?> ahead = c.statement("SELECT pg_sleep(0.5)").timeout(Duration.ofSeconds(30)).collect();
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            CompletableFuture<List<RowSet>> queued = c.statement("INSERT INTO bwf_queued VALUES (1)")
                    .timeout(Duration.ofMillis(50)).collect();
            CompletableFuture<RowSet> behind = c.query("INSERT INTO bwf_queued VALUES ($1)", 2);
            assertThat(failure(queued)).isInstanceOf(PgStatementTimeoutException.class);
            await(ahead);
            assertThat(sqlState(failure(behind))).isEqualTo("25P02");
            assertThat(failure(c.commit())).isInstanceOf(PgTransactionRolledBackException.class);
            assertThat(await(c.query("SELECT count(*)::int FROM bwf_queued")).single(Integer.class)).isZero();
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-26 R26-4: a first statement that cannot be written (a value no codec writes, encoded at write time behind
     * a type lookup) must not take the BEGIN it was to carry with it: a BEGIN of its own goes out in its place, so the
     * statements after it still run inside the transaction, and its rollback undoes them. Seen failing before: the row
     * stayed (the INSERT ran autocommitted, the rollback "succeeded" outside any transaction).
     */
    @Test
    void aFirstStatementThatCannotBeWrittenLeavesTheBeginToTheNext() {
        PgConnection c = connect(PG.primary(), "extensionTypes=hstore");
        try {
            await(c.simpleQuery("CREATE TABLE bwf_unwritable (n int)"));
            FACTORY.factory().forgetTypeOids(); // a type lookup goes first: values are encoded when written
            assertThat(c.typeOidsStale()).isTrue();
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            assertThat(failure(c.query("SELECT $1", new Object()))).isInstanceOf(PgConversionException.class);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.query("INSERT INTO bwf_unwritable VALUES ($1)", 1));
            await(c.rollback());
            assertThat(await(c.query("SELECT count(*)::int FROM bwf_unwritable")).single(Integer.class)).isZero();
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-26 R26-7: a caller that does not wait for beginWithFirstStatement's future — its commit or rollback, and
     * the status it reads, still see the transaction (the placement is counted before its task is queued). On a
     * standby: the rollback after a refused BEGIN completes and leaves the session idle and usable.
     */
    @Test
    void aCallerThatDoesNotWaitForThePlacementStillEndsItsTransaction() {
        PgConnection c = connect(PG.standby(0));
        try {
            for (int i = 0; i < 50; i++) {
                c.beginWithFirstStatement(READ_WRITE);
                assertThat(c.transactionStatus()).isIn(TransactionStatus.IN_TRANSACTION, TransactionStatus.FAILED);
                CompletableFuture<RowSet> first = c.query("SELECT set_config('bwf.marker', 'ran', false)");
                await(c.rollback());
                assertThat(sqlState(failure(first))).isEqualTo(BEGIN_REFUSED);
                assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            }
            assertThat(marker(c)).isEmpty();
            c.beginWithFirstStatement(TransactionOptions.DEFAULT.readOnly(true));
            CompletableFuture<Void> commit = c.commit();
            await(commit);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-26 R26-6: the Close of a cached statement the cache evicted goes with the next statement — here the one
     * that carries a BEGIN a standby refuses. It goes before the BEGIN, so the server does not skip it: one prepared
     * statement left on the server, not two (seen 2 before).
     */
    @Test
    void anEvictedStatementsCloseIsNotSkippedByAFailedBegin() {
        PgConnection c = connect(PG.standby(0), "extensionTypes='' preparedStatementCacheSize=1");
        try {
            await(c.query("SELECT $1::int", 1));
            await(c.query("SELECT $1::int + 1", 1)); // evicts the first: its Close waits for the next statement
            await(c.beginWithFirstStatement(READ_WRITE));
            assertThat(sqlState(failure(c.query("SELECT $1::int + 2", 1)))).isEqualTo(BEGIN_REFUSED);
            await(c.rollback());
            assertThat(await(c.simpleQuery("SELECT count(*) FROM pg_prepared_statements")).rows().get(0).get(0))
                    .as("only the second one stays prepared").isEqualTo("1");
        } finally {
            await(c.close());
        }
    }

    private static String marker(PgConnection c) {
        String value = await(c.query("SELECT coalesce(current_setting('bwf.marker', true), '')")).single(String.class);
        return value == null ? "" : value;
    }

    /**
     * REVIEW-27 R27-1 (the reviewer's IT): the first statement, a new text, is cancelled while its Parse waits for a lock
     * (a migration's ACCESS EXCLUSIVE); the server ran the BEGIN in its Sync group, so the cancelled statement must fail
     * the transaction — a bare Sync left it healthy, and the COMMIT committed the INSERT behind it without it. The lock is
     * released only once the backend shows the cancel landed (its block failed): released at once, the description could
     * overtake the cancel on a loaded event loop, the statement then ran and the transaction committed with it, which a
     * cancel allows (query.md §5; the CI flake, INVESTIGATE-32). Before session 33 no CancelRequest went out for a
     * described statement, so the backend never left its lock wait and the connection was closed a cancelGrace later.
     */
    @Test
    void aFirstStatementCancelledWhileItsParseWaitsForALockFailsTheTransaction() {
        PgConnection c = connect(PG.primary(), "extensionTypes='' cancelGrace=10s");
        PgConnection locker = connect(PG.primary());
        try {
            await(c.simpleQuery("CREATE TABLE bwf_locked (n int); CREATE TABLE bwf_behind (n int)"));
            await(locker.simpleQuery("BEGIN; LOCK TABLE bwf_locked IN ACCESS EXCLUSIVE MODE"));
            await(c.beginWithFirstStatement(TransactionOptions.DEFAULT));
            // a new text: Parse/Describe first; the Parse waits for the lock, so the cancel comes while it is described
            CompletableFuture<RowSet> first = c.query("SELECT n FROM bwf_locked");
            CompletableFuture<RowSet> behind = c.query("INSERT INTO bwf_behind VALUES ($1)", 2);
            io.pgconn.testing.Conditions.awaitCondition("the first statement's Parse waits for the lock", Duration.ofSeconds(20),
                    () -> "Lock".equals(PG.primary().queryValue("SELECT wait_event_type FROM pg_stat_activity WHERE pid = "
                            + c.processId())));
            first.cancel(true);
            // the CancelRequest took the Parse out of its lock wait and failed the block: only a cancel can have, the
            // lock being held; a closed connection (its backend gone) ends the wait too, and fails below
            io.pgconn.testing.Conditions.awaitCondition("the cancel reached the Parse, or the connection was closed",
                    Duration.ofSeconds(30), () -> c.isClosed() || "idle in transaction (aborted)".equals(
                            PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(c.isClosed()).as("the server was asked to stop and answered: the connection stays").isFalse();
            await(locker.simpleQuery("COMMIT"));
            assertThat(failure(behind)).as("refused inside the failed transaction").isInstanceOf(PgServerException.class);
            assertThat(failure(c.commit())).as("no commit without the statement that was cancelled")
                    .isInstanceOf(PgTransactionRolledBackException.class);
            assertThat(await(locker.query("SELECT count(*)::int FROM bwf_behind")).single(Integer.class)).isZero();
            assertThat(await(c.query("SELECT count(*)::int FROM bwf_locked")).single(Integer.class))
                    .as("the connection goes on").isZero();
        } finally {
            await(c.close());
            await(locker.close());
        }
    }

    private static String sqlState(Throwable failure) {
        assertThat(failure).isInstanceOf(PgServerException.class);
        return ((PgServerException) failure).sqlState().orElseThrow();
    }
}
