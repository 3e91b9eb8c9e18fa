package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement whose Parse waits for a lock — parse analysis takes the tables' locks, so a new text (described before
 * its Bind) or a script waits behind a migration's {@code LOCK TABLE}, {@code ALTER TABLE}, {@code TRUNCATE} ... —
 * cancelled by its caller or timed out (docs/query.md §5, INVESTIGATE-32): the server is asked to stop, the backend
 * leaves its lock wait while the lock is still held, the connection stays open and what is queued behind runs. Before
 * session 33 no CancelRequest went out while the statement was described: the backend waited on in the lock queue and,
 * one {@code cancelGrace} later, the connection was closed as one whose server stopped answering, failing everything
 * queued behind with {@code PgClosedException}. The connection's {@code cancelGrace} is raised to 10 s so that a loaded
 * machine's slow cancel cannot close it; the lock is held until the backend was seen idle, so only a cancel can have
 * ended its wait, and the connection open then says it ended within the grace.
 */
@Timeout(120)
abstract class AbstractParseLockWaitCancelIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    abstract PgClusterExtension pg();

    private PgConnection connect(String extra) {
        return QueryCluster.connect(pg(), FACTORY, extra);
    }

    /** The backend's {@code state/wait_event_type} ("" for a NULL), null once it is gone. */
    private String activity(PgConnection c) {
        return pg().primary().queryValue("SELECT coalesce(state, '') || '/' || coalesce(wait_event_type, '')"
                + " FROM pg_stat_activity WHERE pid = " + c.processId());
    }

    private void awaitParseWaitingForTheLock(PgConnection c) {
        Conditions.awaitCondition("the statement's Parse waits for the lock", LIMIT, () -> "active/Lock".equals(activity(c)));
    }

    /** Waits until the backend is idle again, or the connection closed (which the caller's assertion then reports). */
    private void awaitBackendIdleOrClosed(PgConnection c, String idle) {
        Conditions.awaitCondition("the backend left its lock wait (" + idle + "), or the connection was closed", LIMIT,
                () -> c.isClosed() || activity(c).startsWith(idle + "/"));
    }

    @Test
    void aCancelledQueryWhoseParseWaitsForALockLeavesTheWaitAndTheConnectionGoesOn() {
        PgConnection c = connect("cancelGrace=10s");
        PgConnection locker = connect("");
        try {
            await(c.simpleQuery("CREATE TABLE plw_query (n int); CREATE TABLE plw_query_behind (n int)"));
            await(locker.simpleQuery("BEGIN; LOCK TABLE plw_query IN ACCESS EXCLUSIVE MODE"));
            CompletableFuture<RowSet> first = c.query("SELECT n FROM plw_query"); // a new text: Parse and Describe first
            CompletableFuture<RowSet> behind = c.query("INSERT INTO plw_query_behind VALUES ($1)", 1);
            awaitParseWaitingForTheLock(c);

            first.cancel(true);
            awaitBackendIdleOrClosed(c, "idle");
            assertThat(c.isClosed()).as("the server was asked to stop: it answered, so the connection stays").isFalse();
            assertThat(first).isCancelled();
            assertThat(await(behind).commandTag()).as("outside a transaction the statement behind runs").isEqualTo("INSERT 0 1");
            assertThat(await(c.query("SELECT count(*)::int FROM plw_query_behind")).single(Integer.class)).isEqualTo(1);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            await(locker.simpleQuery("COMMIT"));
            assertThat(await(c.query("SELECT count(*)::int FROM plw_query")).single(Integer.class))
                    .as("the connection runs the statement once the lock is free").isZero();
        } finally {
            await(c.close());
            await(locker.close());
        }
    }

    @Test
    void aTimedOutStatementWhoseParseWaitsForALockIsCancelledOnTheServerAndTheConnectionGoesOn() {
        PgConnection c = connect("cancelGrace=10s");
        PgConnection locker = connect("");
        try {
            await(c.simpleQuery("CREATE TABLE plw_timeout (n int); CREATE TABLE plw_timeout_behind (n int)"));
            await(locker.simpleQuery("BEGIN; LOCK TABLE plw_timeout IN ACCESS EXCLUSIVE MODE"));
            CompletableFuture<List<RowSet>> first = c.statement("SELECT n FROM plw_timeout").timeout(Duration.ofMillis(200)).collect();
            CompletableFuture<RowSet> behind = c.query("INSERT INTO plw_timeout_behind VALUES ($1)", 1);

            Throwable error = failure(first);
            assertThat(c.isClosed()).as("the server was asked to stop: it answered, so the connection stays").isFalse();
            assertThat(error).isInstanceOf(PgStatementTimeoutException.class)
                    .hasMessageContaining("cancelled after its timeout of 200 ms").hasMessageContaining(c.host());
            assertThat(error.getCause()).as("the server's own 57014, from the Parse's lock wait").isInstanceOf(PgServerException.class);
            assertThat(((PgServerException) error.getCause()).sqlState()).contains("57014");
            awaitBackendIdleOrClosed(c, "idle");
            assertThat(c.isClosed()).isFalse();
            assertThat(await(behind).commandTag()).as("outside a transaction the statement behind runs").isEqualTo("INSERT 0 1");
            assertThat(await(c.query("SELECT count(*)::int FROM plw_timeout_behind")).single(Integer.class)).isEqualTo(1);
            await(locker.simpleQuery("COMMIT"));
        } finally {
            await(c.close());
            await(locker.close());
        }
    }

    /**
     * Cancelled while described behind a statement the server runs (it waits for an advisory lock): no CancelRequest
     * then, it would hit that one. When that one ends the cancelled statement's Parse runs and waits for the table's
     * lock: asked to stop at its turn, its description not having come. Before, it waited until the lock was free,
     * and everything queued behind it with it.
     */
    @Test
    void aQueryCancelledWhileDescribedBehindAnotherIsAskedToStopWhenItsParseWaitsForALockAtItsTurn() {
        PgConnection c = connect("cancelGrace=10s");
        PgConnection locker = connect("");
        try {
            await(c.simpleQuery("CREATE TABLE plw_queued (n int)"));
            await(locker.simpleQuery("BEGIN; LOCK TABLE plw_queued IN ACCESS EXCLUSIVE MODE; SELECT pg_advisory_lock(33)"));
            CompletableFuture<RowSet> ahead = c.query("SELECT pg_advisory_lock(33)");
            // written behind it once its description came (Parse/Describe): the server reads it only after it
            CompletableFuture<RowSet> cancelled = c.query("SELECT n FROM plw_queued");
            Conditions.awaitCondition("the statement ahead waits for the advisory lock", LIMIT, () -> "active/Lock/advisory".equals(
                    pg().primary().queryValue("SELECT state || '/' || coalesce(wait_event_type, '') || '/' || coalesce(wait_event, '')"
                            + " FROM pg_stat_activity WHERE pid = " + c.processId())));
            cancelled.cancel(true);
            assertThat(await(c.nothingInFlight())).as("the cancel reached the event loop before this answer").isFalse();
            CompletableFuture<RowSet> behind = c.query("SELECT count(*)::int FROM pg_class WHERE relname = 'plw_queued'");

            await(locker.query("SELECT pg_advisory_unlock(33)"));
            await(ahead);
            // only a cancel can have ended the cancelled statement's lock wait, the lock still held
            assertThat(await(behind).single(Integer.class)).as("the statement behind runs while the lock is still held").isEqualTo(1);
            awaitBackendIdleOrClosed(c, "idle");
            assertThat(c.isClosed()).isFalse();
            assertThat(cancelled).isCancelled();
            await(locker.simpleQuery("COMMIT"));
        } finally {
            await(c.close());
            await(locker.close());
        }
    }

    /**
     * A script whose second statement's Parse waits for the lock, its first (an INSERT) run: the cancel stops the
     * Parse, the script's implicit transaction rolls the INSERT back, and the statement behind runs.
     */
    @Test
    void aCancelledScriptWhoseParseWaitsForALockLeavesTheWaitAndTheConnectionGoesOn() {
        PgConnection c = connect("cancelGrace=10s");
        PgConnection locker = connect("");
        try {
            await(c.simpleQuery("CREATE TABLE plw_script (n int); CREATE TABLE plw_script_rows (n int)"));
            await(locker.simpleQuery("BEGIN; LOCK TABLE plw_script IN ACCESS EXCLUSIVE MODE"));
            TestSubscriber script = new TestSubscriber(row -> { });
            c.script(List.of("INSERT INTO plw_script_rows VALUES (1)", "SELECT n FROM plw_script")).subscribe(script);
            script.request(Long.MAX_VALUE);
            CompletableFuture<RowSet> behind = c.query("INSERT INTO plw_script_rows VALUES ($1)", 2);
            awaitParseWaitingForTheLock(c);

            script.cancel();
            awaitBackendIdleOrClosed(c, "idle");
            assertThat(c.isClosed()).as("the server was asked to stop: it answered, so the connection stays").isFalse();
            assertThat(await(behind).commandTag()).as("the statement behind runs").isEqualTo("INSERT 0 1");
            assertThat(await(c.query("SELECT n FROM plw_script_rows")).rows()).as("the script's INSERT was rolled back")
                    .extracting(row -> row.get(0, Integer.class)).containsExactly(2);
            assertThat(script.done).as("a cancelled subscription hears nothing more").isNotDone();
            await(locker.simpleQuery("COMMIT"));
        } finally {
            await(c.close());
            await(locker.close());
        }
    }
}
