package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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

            Throwable failure = catchThrowable(() -> sessions.inTransaction(c -> {
                attempts[0]++;
                c.query("INSERT INTO before_commit VALUES (1)").join(); // answered: the work's last statement
                terminateAndAwaitTheEnd(c);
                return null;
            }));

            assertThat(failure).isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageStartingWith("connection to ")
                    .hasMessageContaining("(SQLSTATE 57P01); the COMMIT was not sent: the transaction did not commit")
                    .hasMessageNotContaining("the statement was not sent");
            assertThat(((PgClosedException) failure).serverFields().code()).isEqualTo("57P01");
            assertThat(rows(sessions, "before_commit")).as("nothing committed").isZero();

            long inserted = retriedOnce(() -> sessions.inTransaction(c -> {
                attempts[0]++;
                return c.query("INSERT INTO before_commit VALUES (1)").join().rowsAffected();
            }));
            assertThat(inserted).isEqualTo(1L);
            assertThat(rows(sessions, "before_commit")).as("committed once").isEqualTo(1);
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

            Throwable failure = catchThrowable(() -> sessions.withSession(c -> {
                terminateAndAwaitTheEnd(c);
                return c.query("INSERT INTO after_borrow VALUES (1)").join();
            }));

            assertThat(FutureFailures.unwrap(failure)).as("the work's join() wraps it").isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageContaining("(SQLSTATE 57P01); the statement was not sent, so it did not run");
            long inserted = retriedOnce(() -> sessions.withSession(c -> c.query("INSERT INTO after_borrow VALUES (1)").join().rowsAffected()));
            assertThat(inserted).isEqualTo(1L);
            assertThat(rows(sessions, "after_borrow")).isEqualTo(1);
        });
    }

    /**
     * The starter README's catch: a {@link PgClosedException} that is no {@link PgOutcomeUnknownException} did not
     * run (a work's {@code join()} wraps it in a CompletionException, {@link FutureFailures#unwrap}).
     */
    private static <T> T retriedOnce(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            Throwable failure = FutureFailures.unwrap(e);
            if (!(failure instanceof PgClosedException) || failure instanceof PgOutcomeUnknownException) {
                throw e;
            }
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
