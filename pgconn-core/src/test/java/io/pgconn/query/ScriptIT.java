package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code PgConnection.script}: PostgreSQL's semantics for a multi-statement script (one implicit
 * transaction outside BEGIN, stopping at the first error), results per statement in order, demand and
 * cancel, refusals before sending; the connection stays usable throughout.
 */
class ScriptIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    /** Records every segment as text (rows read as the test says), then the end or the error; asks for {@code initialDemand} at once if positive (or if told to). */
    private static final class Recorder implements Flow.Subscriber<Segment> {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Row> rows = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final long initialDemand;
        volatile Flow.Subscription subscription;

        private final boolean asks;

        Recorder(long initialDemand) {
            this(initialDemand, initialDemand > 0);
        }

        /** {@code asks}: request {@code initialDemand} in onSubscribe, whatever it is. */
        Recorder(long initialDemand, boolean asks) {
            this.initialDemand = initialDemand;
            this.asks = asks;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (asks) {
                s.request(initialDemand);
            }
        }

        @Override
        public void onNext(Segment segment) {
            if (segment instanceof Row row) {
                rows.add(row);
                seen.add("row");
            } else if (segment instanceof RowMetadata metadata) {
                seen.add("columns " + metadata.size());
            } else {
                seen.add(((CommandResult) segment).commandTag());
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        Throwable error() {
            try {
                done.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            throw new AssertionError("the script completed; expected an error. Seen: " + seen);
        }
    }

    private static Recorder run(PgConnection c, String... statements) {
        Recorder recorder = new Recorder(Long.MAX_VALUE);
        c.script(List.of(statements)).subscribe(recorder);
        return recorder;
    }

    private static long count(PgConnection c, String table) {
        return await(c.query("SELECT count(*) FROM " + table)).single(Long.class);
    }

    /**
     * A script's reader with no demand whose session is closed under it — by a pool's release that could not clean it
     * up in time, the starter's close of an unresponsive host's connections — is told at once: the session's end drops
     * what was held for it and fails it, as it does for one statement. Before, the end waited behind the segments held
     * for that reader, which it never asked for: it never learnt that its session had ended. A server error of the
     * script still comes after the results held for the statements before it.
     */
    @Test
    void aScriptReaderWithNoDemandIsToldAtOnceWhenItsSessionIsClosed() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        Recorder r = new Recorder(0);
        c.script(List.of("SELECT 1", "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g")).subscribe(r);
        int pid = c.processId();
        awaitCondition("the server blocked writing to the reader that asks for nothing", () ->
                "ClientWrite".equals(PG.primary().queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid)));

        CompletableFuture<Void> closed = c.close();

        assertThat(r.error()).isInstanceOf(io.pgconn.PgClosedException.class);
        assertThat(r.seen).as("nothing was asked for, nothing handed").isEmpty();
        await(closed); // the close itself cancels the script first and waits for the server's end (lifecycle.md §4)
    }

    /**
     * Reactive Streams §3.9 also where the publisher's end is known before anyone asks (an empty script,
     * one refused before sending, a statement whose parameters do not fit): a request of no or negative
     * demand ends it with an IllegalArgumentException, not with its end (they completed, or failed with
     * the refusal, before).
     */
    @Test
    void aRequestOfNoDemandEndsWithIllegalArgumentExceptionAlsoWhenTheEndIsKnownAtOnce() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<Flow.Publisher<Segment>> publishers = List.of(c.script(List.of()), c.script(List.of("SELECT 1; SELECT 2")),
                    c.statement("SELECT $1::int, $2::int").bind(0, 1).execute(), c.script(List.of("SELECT 1")));
            for (Flow.Publisher<Segment> publisher : publishers) {
                for (long n : new long[] {0, -1}) {
                    Recorder recorder = new Recorder(n, true);
                    publisher.subscribe(recorder);
                    assertThat(recorder.error()).as("request(%d)", n).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("request(" + n + ")").hasMessageContaining("§3.9");
                }
            }
            assertThat(await(c.query("SELECT 7")).single(Integer.class)).isEqualTo(7); // nothing left behind
        } finally {
            await(c.close());
        }
    }

    @Test
    void eachStatementGivesItsRowsThenItsCountInOrder() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Recorder r = run(c, "CREATE TABLE sc_order (id int, day date, label text)",
                    "INSERT INTO sc_order VALUES (1, '2024-01-02', 'a'), (2, '2024-03-04', 'b')",
                    "SELECT id, day, label FROM sc_order ORDER BY id",
                    "UPDATE sc_order SET id = id + 10",
                    "SELECT count(*) FROM sc_order WHERE id > 10");
            await(r.done);
            assertThat(r.seen).containsExactly("CREATE TABLE", "INSERT 0 2", "columns 3", "row", "row", "SELECT 2",
                    "UPDATE 2", "columns 1", "row", "SELECT 1");
            // rows in the formats the codecs read (a date only in binary), each statement its own
            assertThat(r.rows.get(0).get(1, LocalDate.class)).isEqualTo(LocalDate.of(2024, 1, 2));
            assertThat(r.rows.get(1).get(0, Integer.class)).isEqualTo(2);
            assertThat(r.rows.get(1).get("label", String.class)).isEqualTo("b");
            assertThat(r.rows.get(2).get(0, Long.class)).isEqualTo(2L);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(count(c, "sc_order")).isEqualTo(2);
        } finally {
            await(c.close());
        }
    }

    /**
     * A SQL-standard routine body ({@code BEGIN ATOMIC ... END}, PostgreSQL 14+) holds semicolons that do
     * not end the CREATE statement: split there, the server got {@code CREATE FUNCTION ... SELECT a + 1}
     * without its END (a syntax error) and the body's remains as statements of their own.
     */
    @Test
    void aBeginAtomicRoutineBodyStaysOneStatement() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<String> statements = c.statements("""
                    CREATE TABLE sc_atomic (id int);
                    CREATE FUNCTION sc_atomic_add(a int) RETURNS int LANGUAGE sql
                    BEGIN ATOMIC
                      INSERT INTO sc_atomic VALUES (a);
                      INSERT INTO sc_atomic VALUES (CASE WHEN a > 0 THEN a + 1 ELSE 0 END);
                      SELECT count(*)::int FROM sc_atomic;
                    END;
                    SELECT sc_atomic_add(5);
                    """);
            assertThat(statements).hasSize(3);
            Recorder r = run(c, statements.toArray(String[]::new));
            await(r.done);
            assertThat(r.seen).containsExactly("CREATE TABLE", "CREATE FUNCTION", "columns 1", "row", "SELECT 1");
            assertThat(r.rows.get(0).get(0, Integer.class)).isEqualTo(2);
        } finally {
            await(c.close());
        }
    }

    /** Outside a transaction: one implicit transaction — the INSERT before the failure is rolled back, the one after never runs. */
    @Test
    void aFailingMiddleStatementRollsBackTheEarlierOnesAndTheLaterOnesNeverRun() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_fail (id int PRIMARY KEY)"));
            Recorder r = run(c, "INSERT INTO sc_fail VALUES (1)", "SELECT 1 / (SELECT count(*) FROM sc_fail WHERE id = 2)",
                    "INSERT INTO sc_fail VALUES (3)");
            Throwable error = r.error();
            assertThat(error).isInstanceOf(PgServerException.class);
            assertThat(((PgServerException) error).sqlState()).contains("22012");
            assertThat(r.seen).containsExactly("INSERT 0 1"); // the first statement's count, before the error
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(count(c, "sc_fail")).isZero();
            // a statement the server cannot even parse stops the script at its place too
            Throwable syntax = run(c, "INSERT INTO sc_fail VALUES (4)", "SELEC 1", "INSERT INTO sc_fail VALUES (5)").error();
            assertThat(((PgServerException) syntax).sqlState()).contains("42601");
            assertThat(count(c, "sc_fail")).isZero();
            // and a script that succeeds commits at its end
            await(run(c, "INSERT INTO sc_fail VALUES (6)", "INSERT INTO sc_fail VALUES (7)").done);
            assertThat(count(c, "sc_fail")).isEqualTo(2);
        } finally {
            await(c.close());
        }
    }

    /** A failing statement whose rows may come: described first (its own round trip), still one transaction. */
    @Test
    void aFailureAfterADescribedStatementStillRollsBackEverything() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_desc (id int)"));
            Recorder r = run(c, "INSERT INTO sc_desc VALUES (1)", "SELECT id FROM sc_desc", "INSERT INTO sc_desc VALUES ('x')",
                    "SELECT 2");
            assertThat(((PgServerException) r.error()).sqlState()).contains("22P02");
            assertThat(r.seen).containsExactly("INSERT 0 1", "columns 1", "row", "SELECT 1");
            assertThat(count(c, "sc_desc")).isZero();
        } finally {
            await(c.close());
        }
    }

    @Test
    void insideATransactionAFailingStatementFailsTheTransaction() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_tx (id int)"));
            await(c.begin());
            await(run(c, "INSERT INTO sc_tx VALUES (1)", "INSERT INTO sc_tx VALUES (2)").done);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION); // no commit of its own
            Recorder r = run(c, "INSERT INTO sc_tx VALUES (3)", "SELECT 1/0", "INSERT INTO sc_tx VALUES (4)");
            assertThat(((PgServerException) r.error()).sqlState()).contains("22012");
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.FAILED);
            await(c.rollback());
            assertThat(count(c, "sc_tx")).isZero();
            // BEGIN ... COMMIT inside a script commit there, as in a simple Query
            await(run(c, "BEGIN", "INSERT INTO sc_tx VALUES (5)", "COMMIT", "SELECT 1").done);
            assertThat(count(c, "sc_tx")).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    /** Demand one segment at a time: nothing arrives beyond it, and everything arrives in order. */
    @Test
    void segmentsComeOnlyWithDemand() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Recorder r = new Recorder(0);
            c.script(List.of("SELECT n FROM generate_series(1, 3) n", "SELECT 'x'")).subscribe(r);
            List<String> expected = List.of("columns 1", "row", "row", "row", "SELECT 3", "columns 1", "row", "SELECT 1");
            for (int i = 1; i <= expected.size(); i++) {
                r.subscription.request(1);
                int want = i;
                awaitCondition("segment " + want, () -> r.seen.size() >= want);
                assertThat(r.seen).hasSize(want); // never more than asked for
            }
            await(r.done);
            assertThat(r.seen).containsExactlyElementsOf(expected);
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    /** Cancel while the second statement runs: the server stops, the first statement is rolled back, the connection is usable at once. */
    @Test
    void cancellingAScriptStopsTheServerAndRollsItBack() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_cancel (id int)"));
            Recorder r = new Recorder(Long.MAX_VALUE);
            long start = System.nanoTime();
            c.script(List.of("INSERT INTO sc_cancel VALUES (1)", "SELECT pg_sleep(60)", "INSERT INTO sc_cancel VALUES (2)")).subscribe(r);
            awaitCondition("the first INSERT's count", () -> r.seen.contains("INSERT 0 1"));
            PgConnection monitor = QueryCluster.connect(PG, FACTORY, "");
            try {
                awaitCondition("the sleep running", () -> await(monitor.query("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")).single(Long.class) == 1L);
            } finally {
                await(monitor.close());
            }
            r.subscription.cancel();
            assertThat(await(c.query("SELECT count(*) FROM sc_cancel")).single(Long.class)).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(r.done).isNotDone(); // a cancelled subscriber hears nothing more
        } finally {
            await(c.close());
        }
    }

    /** Cancelled while waiting for a statement's description: the rest is never written, and what ran is rolled back. */
    @Test
    void cancellingBeforeTheLastStatementsAreWrittenRollsBackWhatRan() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_held (id int)"));
            Recorder r = new Recorder(0); // no demand: the first count is held, reads pause
            c.script(List.of("INSERT INTO sc_held VALUES (1)", "SELECT pg_sleep(60)", "INSERT INTO sc_held VALUES (2)")).subscribe(r);
            r.subscription.request(1);
            awaitCondition("the first INSERT's count", () -> r.seen.contains("INSERT 0 1"));
            r.subscription.cancel();
            assertThat(await(c.query("SELECT count(*) FROM sc_held")).single(Long.class)).isZero();
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void whatCannotRunInAScriptIsRefusedBeforeSending() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_refused (id int)"));
            assertThat(run(c, "INSERT INTO sc_refused VALUES (1)", "COPY sc_refused TO STDOUT").error())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statement 2").hasMessageContaining("COPY");
            assertThat(run(c, "-- load\n/* rows */ COPY sc_refused FROM STDIN").error())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statement 1").hasMessageContaining("COPY");
            assertThat(run(c, "INSERT INTO sc_refused VALUES (1); INSERT INTO sc_refused VALUES (2)").error())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statement 1").hasMessageContaining("2 statements");
            assertThat(run(c, "SELECT 1", "SELECT $1::int").error())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statement 2").hasMessageContaining("$1")
                    .hasMessageNotContaining("SELECT");
            assertThat(count(c, "sc_refused")).isZero();
            assertThatThrownBy(() -> c.script(null)).isInstanceOf(NullPointerException.class);
            Recorder empty = run(c);
            await(empty.done);
            assertThat(empty.seen).isEmpty();
        } finally {
            await(c.close());
        }
    }

    /** As in a multi-statement simple Query: a statement that refuses transaction blocks fails inside a script; alone it runs. */
    @Test
    void vacuumFailsInsideAScriptAndRunsAlone() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Recorder r = run(c, "CREATE TABLE sc_vacuum (id int)", "VACUUM sc_vacuum");
            assertThat(((PgServerException) r.error()).sqlState()).contains("25001");
            assertThat(await(c.query("SELECT to_regclass('sc_vacuum') IS NULL")).single(Boolean.class)).isTrue();
            await(c.simpleQuery("CREATE TABLE sc_vacuum (id int)"));
            await(run(c, "VACUUM sc_vacuum").done);
        } finally {
            await(c.close());
        }
    }

    /** Many statements and rows, pipelined behind and ahead of other requests: answers stay in order. */
    @Test
    void scriptsAndStatementsPipelinedTogetherKeepTheirOrder() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE sc_pipe (id int)"));
            CompletableFuture<RowSet> before = c.query("SELECT 'before'");
            List<String> statements = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                statements.add("INSERT INTO sc_pipe VALUES (" + i + ")");
            }
            statements.add("SELECT count(*) FROM sc_pipe");
            Recorder r = run(c, statements.toArray(String[]::new));
            CompletableFuture<RowSet> after = c.query("SELECT count(*) FROM sc_pipe");
            assertThat(await(before).single(String.class)).isEqualTo("before");
            await(r.done);
            assertThat(r.seen).hasSize(203);
            assertThat(r.rows.get(0).get(0, Long.class)).isEqualTo(200L);
            assertThat(await(after).single(Long.class)).isEqualTo(200L);
        } finally {
            await(c.close());
        }
    }
}
