package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link PgConnSessions} when the session's backend is terminated (57P01, as a restart or failover does) at the two
 * points NEW-USER-33 met it: between the work's last statement and the {@code COMMIT} (F2: the bare
 * "connection ... closed" said nothing of the outcome), and between the borrow and the work's first statement (F3:
 * the caller could not tell a safe retry). Both say they did not run, as plain {@link PgClosedException}s — no
 * {@link PgOutcomeUnknownException} — and the retry the starter README's PgConnSessions section shows then commits
 * the work once.
 */
class PgConnSessionsSessionEndIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgConnSessionsTestSetup.cluster("starter-sessions-end");

    private final ApplicationContextRunner runner = PgConnSessionsTestSetup.runner(2);

    @Test
    void aSessionThatEndedBeforeTheCommitSaysTheCommitWasNotSentAndARetryCommitsOnce() {
        PgConnSessionsTestSetup.onThePrimary(runner, PG).run(context -> {
            PgConnSessions sessions = context.getBean(PgConnSessions.class);
            sessions.withSession(c -> c.simpleQuery("CREATE TABLE before_commit (id int PRIMARY KEY)").join());
            int[] attempts = new int[1];
            List<Throwable> caught = new ArrayList<>();

            long inserted = retriedOnce(() -> sessions.inTransaction(c -> {
                attempts[0]++;
                long rows = c.query("INSERT INTO before_commit VALUES (1)").join().rowsAffected(); // the work's last statement
                if (attempts[0] == 1) {
                    terminateAndAwaitTheEnd(c);
                }
                return rows;
            }), caught);

            assertThat(caught).hasSize(1);
            assertThat(caught.get(0)).isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageStartingWith("connection to ")
                    .hasMessageContaining("(SQLSTATE 57P01); the COMMIT was not sent: the transaction did not commit")
                    .hasMessageNotContaining("the statement was not sent")
                    .satisfies(failure -> assertThat(((PgClosedException) failure).serverFields().code()).isEqualTo("57P01"));
            assertThat(inserted).isEqualTo(1L);
            assertThat(rows(sessions, "before_commit")).as("committed once, by the retry").isEqualTo(1);
            assertThat(attempts[0]).as("the work ran again once").isEqualTo(2);
        });
    }

    /**
     * The session's backend ended after the borrow (a pooled session whose FATAL was not read yet when the pool
     * checked it): the work's first statement fails as not sent, no outcome unknown — no retry inside {@code
     * withSession} (its work is the application's, run from its start: see the README), the caller's catch repeats it.
     */
    @Test
    void aFirstStatementOnASessionThatEndedAfterTheBorrowSaysItWasNotSent() {
        PgConnSessionsTestSetup.onThePrimary(runner, PG).run(context -> {
            PgConnSessions sessions = context.getBean(PgConnSessions.class);
            sessions.withSession(c -> c.simpleQuery("CREATE TABLE after_borrow (id int PRIMARY KEY)").join());
            int[] attempts = new int[1];
            List<Throwable> caught = new ArrayList<>();

            long inserted = retriedOnce(() -> sessions.withSession(c -> {
                if (++attempts[0] == 1) {
                    terminateAndAwaitTheEnd(c);
                }
                return c.query("INSERT INTO after_borrow VALUES (1)").join().rowsAffected();
            }), caught);

            assertThat(caught).hasSize(1);
            assertThat(caught.get(0)).as("the work's join() wraps it, FutureFailures.unwrap finds it")
                    .isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageContaining("(SQLSTATE 57P01); the statement was not sent, so it did not run");
            assertThat(inserted).isEqualTo(1L);
            assertThat(rows(sessions, "after_borrow")).isEqualTo(1);
            assertThat(attempts[0]).isEqualTo(2);
        });
    }

    /**
     * REVIEW-34 R34-4: the work sent its own COMMIT and did not wait for it (behind a statement still running), and the
     * connection was cut before any answer — a reset, no FATAL of the server's: that COMMIT may have run, so the call
     * fails with an unknown outcome, which the README's catch does not repeat. Before, the wait behind it was told the
     * bare end and said "the COMMIT was not sent: the transaction did not commit", so the retry could apply the work twice.
     */
    @Test
    void aSessionCutAfterTheWorksOwnCommitWasSentHasAnUnknownOutcomeThatIsNotRetried() {
        try (LoopbackForwarder cut = LoopbackForwarder.to(PG.primary().port())) {
            runner.withPropertyValues("pg.conn.hosts=127.0.0.1:" + cut.port()).run(context -> {
                PgConnSessions sessions = context.getBean(PgConnSessions.class);
                sessions.withSession(c -> c.simpleQuery("CREATE TABLE own_commit (id int PRIMARY KEY)").join());
                int[] attempts = new int[1];
                int[] pid = new int[1];

                Throwable failure = catchThrowable(() -> retriedOnce(() -> sessions.inTransaction(c -> {
                    attempts[0]++;
                    c.query("INSERT INTO own_commit VALUES (1)").join();
                    pid[0] = c.processId();
                    c.query("SELECT pg_sleep(60)"); // not awaited
                    CompletableFuture<Void> ownCommit = c.commit(); // the work's own COMMIT, not awaited: written behind the sleep
                    awaitCondition("the sleep running", () -> "1".equals(PG.primary().queryValue(
                            "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid[0] + " AND query LIKE 'SELECT pg_sleep%'")));
                    cut.close();
                    awaitCondition("the cut read: the own COMMIT told its outcome", ownCommit::isDone);
                    return null;
                }), new ArrayList<>()));

                assertThat(FutureFailures.unwrap(failure)).isInstanceOf(PgOutcomeUnknownException.class)
                        .hasMessageContaining("may have been executed")
                        .hasMessageNotContaining("did not commit");
                assertThat(attempts[0]).as("not repeated").isEqualTo(1);
                PG.primary().query("SELECT pg_terminate_backend(" + pid[0] + ")");
            });
        }
    }

    /**
     * The starter README's catch, around the very call that failed: a {@link PgClosedException} that is no {@link
     * PgOutcomeUnknownException} did not take effect (a work's {@code join()} wraps it in a CompletionException, {@link
     * FutureFailures#unwrap}), so the call is repeated once; the failure it caught goes to {@code caught}.
     */
    private static <T> T retriedOnce(Supplier<T> call, List<Throwable> caught) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            Throwable failure = FutureFailures.unwrap(e);
            if (!(failure instanceof PgClosedException) || failure instanceof PgOutcomeUnknownException) {
                throw e;
            }
            caught.add(failure);
            return call.get();
        }
    }

    /** As a restart's fast shutdown: the backend terminated from outside, and the client has read its FATAL. */
    private static void terminateAndAwaitTheEnd(PgConnection c) {
        PG.primary().query("SELECT pg_terminate_backend(" + c.processId() + ")");
        awaitCondition("the session's end read", c::isClosed);
    }

    private static long rows(PgConnSessions sessions, String table) {
        return sessions.withSession(c -> c.query("SELECT count(*) FROM " + table).join().single(Long.class));
    }
}
