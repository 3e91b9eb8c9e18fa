package io.pgconn.query;

import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.ServerErrorFields;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** Transactions and their status, savepoints, server errors with every field, notices, timeouts and cancel. */
class TransactionIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void transactionStatusFollowsBeginErrorRollbackAndCommit() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE tx_t (n int)"));
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            await(c.begin());
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.query("INSERT INTO tx_t VALUES ($1)", 1));
            failure(c.query("SELECT 1/$1::int", 0));
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.FAILED);
            PgServerException refused = (PgServerException) failure(c.query("SELECT 1"));
            assertThat(refused.sqlState()).contains("25P02");
            await(c.rollback());
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            await(c.begin());
            await(c.query("INSERT INTO tx_t VALUES ($1)", 2));
            await(c.commit());
            assertThat(await(c.query("SELECT n FROM tx_t")).rows()).extracting(r -> r.get(0, Integer.class)).containsExactly(2);
        } finally {
            await(c.close());
        }
    }

    /**
     * nothingInFlight(): a BEGIN written and not yet answered leaves the status idle, and only nothingInFlight()
     * tells (pgconn-r2dbc's release clean-up rolls back then, r2dbc.md §4); once its ReadyForQuery is read it is
     * true, and the status says the transaction is open.
     */
    @Test
    void nothingInFlightIsFalseWhileABeginIsUnansweredAndTrueAfter() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            CompletableFuture<?> slow = c.simpleQuery("SELECT pg_sleep(0.3)");
            CompletableFuture<Void> begin = c.begin();
            assertThat(await(c.nothingInFlight())).as("the BEGIN waits behind the sleep").isFalse();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            await(slow);
            await(begin);
            assertThat(await(c.nothingInFlight())).isTrue();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
            await(c.rollback());
        } finally {
            await(c.close());
        }
        assertThat(await(c.nothingInFlight())).as("a closed session").isTrue();
    }

    /**
     * transactionStatusAfterInFlight(): the status after a BEGIN still unanswered behind a sleep is the open
     * transaction its answer brings, and a request made after the call is written only after it; a closed session
     * fails it (pgconn-r2dbc's release clean-up rolls back only when it is not idle, r2dbc.md §4).
     */
    @Test
    void transactionStatusAfterInFlightWaitsForAnUnansweredBegin() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(await(c.transactionStatusAfterInFlight())).as("nothing in flight").isEqualTo(TransactionStatus.IDLE);
            CompletableFuture<?> slow = c.simpleQuery("SELECT pg_sleep(0.3)");
            CompletableFuture<Void> begin = c.begin();
            CompletableFuture<TransactionStatus> after = c.transactionStatusAfterInFlight();
            CompletableFuture<RowSet> later = c.query("SELECT 1");
            assertThat(await(after)).isEqualTo(TransactionStatus.IN_TRANSACTION);
            assertThat(begin).isDone();
            assertThat(slow).isDone();
            assertThat(await(later).single(Integer.class)).isEqualTo(1);
            await(c.rollback());
            assertThat(await(c.transactionStatusAfterInFlight())).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
        assertThat(c.transactionStatusAfterInFlight()).as("a closed session").failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(io.pgconn.PgClosedException.class);
    }

    /**
     * user3's F0: the server answers a failed transaction's COMMIT with the tag ROLLBACK, not an error;
     * commit() must fail, or the lost work looks committed (pgjdbc raises it too). Both ways a transaction
     * fails: a statement's error the application caught, and a statement timeout.
     */
    @Test
    void aCommitTheServerAnswersWithRollbackFails() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE tx_lost (n int PRIMARY KEY)"));
            await(c.begin());
            await(c.query("INSERT INTO tx_lost VALUES ($1)", 1));
            failure(c.query("INSERT INTO tx_lost VALUES ($1)", 1)); // 23505, caught by the application
            Throwable commit = failure(c.commit());
            assertThat(commit).isInstanceOf(io.pgconn.PgTransactionRolledBackException.class)
                    .hasMessageContaining("did not commit").hasMessageContaining(c.host());
            assertThat(((PgServerException) commit).sqlState()).contains("25P02");
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);

            await(c.begin());
            await(c.query("INSERT INTO tx_lost VALUES ($1)", 2));
            failure(c.statement("SELECT pg_sleep(5)").timeout(java.time.Duration.ofMillis(100)).collect());
            assertThat(failure(c.commit())).isInstanceOf(io.pgconn.PgTransactionRolledBackException.class);

            assertThat(await(c.query("SELECT count(*) FROM tx_lost")).single(Long.class)).isZero();
            // a transaction that did not fail commits as before
            await(c.begin());
            await(c.query("INSERT INTO tx_lost VALUES ($1)", 3));
            await(c.commit());
            assertThat(await(c.query("SELECT n FROM tx_lost")).single(Integer.class)).isEqualTo(3);
        } finally {
            await(c.close());
        }
    }

    @Test
    void beginAppliesIsolationAccessModeAndDeferrable() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.begin(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE).readOnly(true).deferrable(true)));
            RowSet settings = await(c.query("SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only'),"
                    + " current_setting('transaction_deferrable')"));
            assertThat(settings.row(0).get(0, String.class)).isEqualTo("serializable");
            assertThat(settings.row(0).get(1, String.class)).isEqualTo("on");
            assertThat(settings.row(0).get(2, String.class)).isEqualTo("on");
            PgServerException readOnly = (PgServerException) failure(c.query("CREATE TABLE nope (n int)"));
            assertThat(readOnly.sqlState()).contains("25006");
            await(c.rollback());
            await(c.begin(TransactionOptions.isolation(IsolationLevel.REPEATABLE_READ).readOnly(false)));
            assertThat(await(c.query("SELECT current_setting('transaction_isolation')")).single(String.class)).isEqualTo("repeatable read");
            await(c.commit());
        } finally {
            await(c.close());
        }
    }

    @Test
    void savepointsWithNamesThatNeedQuoting() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sp_t (n int)"));
            await(c.begin());
            await(c.query("INSERT INTO sp_t VALUES (1)"));
            await(c.setSavepoint("before two"));
            await(c.query("INSERT INTO sp_t VALUES (2)"));
            await(c.rollbackToSavepoint("before two"));
            await(c.setSavepoint("Three\"quoted"));
            await(c.query("INSERT INTO sp_t VALUES (3)"));
            await(c.releaseSavepoint("Three\"quoted"));
            await(c.commit());
            assertThat(await(c.query("SELECT n FROM sp_t ORDER BY n")).rows()).extracting(r -> r.get(0, Integer.class)).containsExactly(1, 3);
            assertThat(failure(c.setSavepoint(""))).isInstanceOf(PgConfigException.class);
        } finally {
            await(c.close());
        }
    }

    @Test
    void serverErrorsCarryEveryFieldButNeverTheParameters() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE err_t (email text CONSTRAINT err_t_email_key UNIQUE, n int CHECK (n > 0))"));
            await(c.query("INSERT INTO err_t VALUES ($1, 1)", "secret-value@example.com"));
            PgServerException unique = (PgServerException) failure(c.query("INSERT INTO err_t VALUES ($1, 1)", "secret-value@example.com"));
            ServerErrorFields f = unique.serverFields();
            assertThat(f.code()).isEqualTo("23505");
            assertThat(f.severity()).isEqualTo("ERROR");
            assertThat(f.schema()).isEqualTo("public");
            assertThat(f.table()).isEqualTo("err_t");
            assertThat(f.constraint()).isEqualTo("err_t_email_key");
            assertThat(f.detail()).contains("already exists");
            assertThat(f.routine()).isNotBlank();
            assertThat(unique.getMessage()).doesNotContain("secret-value").contains("23505").contains(c.host());
            PgServerException notNull = (PgServerException) failure(c.query("INSERT INTO err_t VALUES ($1, $2)", "x", -1));
            assertThat(notNull.serverFields().code()).isEqualTo("23514");
            assertThat(notNull.serverFields().constraint()).isEqualTo("err_t_n_check");
            String badColumn = "SELECT * FROM err_t WHERE nope = $1";
            PgServerException syntax = (PgServerException) failure(c.query(badColumn, 1));
            assertThat(syntax.serverFields().code()).isEqualTo("42703");
            assertThat(syntax.serverFields().position()).isEqualTo(String.valueOf(badColumn.indexOf("nope") + 1));
            PgServerException hinted = (PgServerException) failure(c.query("SELECT no_such_function($1::int)", 1));
            assertThat(hinted.serverFields().hint()).isNotBlank();
            PgServerException column = (PgServerException) failure(c.query("INSERT INTO err_t (n) VALUES ($1)", "not-a-number"));
            assertThat(column.serverFields().code()).isEqualTo("22P02");
            assertThat(await(c.query("SELECT count(*) FROM err_t")).single(Long.class)).isEqualTo(1L);
        } finally {
            await(c.close());
        }
    }

    @Test
    void noticesReachTheListenerWithTheirFields() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<ServerErrorFields> notices = new CopyOnWriteArrayList<>();
            c.noticeListener(notices::add);
            await(c.query("DO $$ BEGIN RAISE NOTICE 'hello %', 42 USING HINT = 'a hint'; RAISE WARNING 'careful'; END $$"));
            assertThat(notices).extracting(ServerErrorFields::message).containsExactly("hello 42", "careful");
            assertThat(notices.get(0).severity()).isEqualTo("NOTICE");
            assertThat(notices.get(0).hint()).isEqualTo("a hint");
            assertThat(notices.get(1).severity()).isEqualTo("WARNING");
            c.noticeListener(null);
            await(c.query("DO $$ BEGIN RAISE NOTICE 'unheard'; END $$"));
            assertThat(notices).hasSize(2);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementTimeoutCancelsOnlyThatStatement() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            CompletableFuture<List<RowSet>> slow = c.statement("SELECT pg_sleep($1)").bind(0, 30.0).timeout(Duration.ofMillis(200)).collect();
            CompletableFuture<RowSet> behind = c.query("SELECT $1::int", 5); // pipelined behind the slow one
            Throwable error = failure(slow);
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class).hasMessageContaining("timeout of 200 ms").hasMessageNotContaining("StatementPlan");
            assertThat(((PgStatementTimeoutException) error).sqlState()).contains("57014");
            assertThat(await(behind).single(Integer.class)).isEqualTo(5);
            assertThat(await(c.statement("SELECT 1").timeout(Duration.ofSeconds(5)).collect()).get(0).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingAPipelinedStatementWaitsUntilItRunsAndSparesTheOneAhead() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            CompletableFuture<RowSet> ahead = c.query("SELECT pg_sleep(0.5), 1 AS one");
            CompletableFuture<RowSet> behind = c.query("SELECT pg_sleep(30)");
            behind.cancel(true); // the server is still running the one ahead: a CancelRequest now would hit it
            assertThat(await(ahead).row(0).get("one", Integer.class)).isEqualTo(1);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT 'usable'")).single(String.class)).isEqualTo("usable");
            // again with both statements cached: the one behind is written whole, so it gets a CancelRequest once it runs
            await(c.query("SELECT pg_sleep($1::float8), 1 AS one", 0.0));
            await(c.query("SELECT pg_sleep($1::float8)", 0.0));
            CompletableFuture<RowSet> aheadCached = c.query("SELECT pg_sleep($1::float8), 1 AS one", 0.5);
            CompletableFuture<RowSet> behindCached = c.query("SELECT pg_sleep($1::float8)", 30.0);
            behindCached.cancel(true);
            assertThat(await(aheadCached).row(0).get("one", Integer.class)).isEqualTo(1);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the second cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT 'still usable'")).single(String.class)).isEqualTo("still usable");
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingTheFutureCancelsTheStatementOnTheServer() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            CompletableFuture<RowSet> slow = c.query("SELECT pg_sleep(30)");
            Conditions.awaitCondition("pg_sleep running on backend " + c.processId(), Duration.ofSeconds(10),
                    () -> "PgSleep".equals(PG.primary().queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + c.processId())));
            slow.cancel(true);
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT 'usable'")).single(String.class)).isEqualTo("usable");
        } finally {
            await(c.close());
        }
    }
}
