package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgServerException;
import io.pgconn.ServerErrorFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which statement texts commit (their first keyword), and what a written one's lost answer becomes (query.md §5). */
class CommitTextTest {

    private static final PgClosedException LOST = new PgClosedException("db:5432", "connection to db:5432 was lost");

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "commit", "  COMMIT;", "\tEnd;", "END TRANSACTION", "commit work",
            "COMMIT PREPARED 'tx1'", "COMMIT AND CHAIN", "-- why\nCOMMIT", "/* a /* nested */ b */commit", "COMMIT; BEGIN"})
    void aTextWhoseFirstKeywordIsCommitOrEndCommits(String sql) {
        assertThat(CommitText.commits(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "COMMITTED", "ending", "commit_log", "end$1", "SELECT 1; COMMIT", "ROLLBACK",
            "ABORT", "PREPARE TRANSACTION 'tx1'", "-- COMMIT", "/* COMMIT */ SELECT 1", "/* unterminated COMMIT",
            "\"commit\"", "SELECT 'COMMIT'"})
    void anyOtherTextDoesNot(String sql) {
        assertThat(CommitText.commits(sql)).isFalse();
    }

    @Test
    void aCommitWhoseOutcomeTheSessionsEndLeftUnknownHasAnUnknownCommitOutcome() {
        PgException failure = CommitText.failure("COMMIT", null, new PgOutcomeUnknownException(LOST));

        assertThat(failure).isInstanceOf(PgCommitOutcomeUnknownException.class).hasCause(LOST)
                .hasMessageContaining("may or may not have committed");
    }

    /**
     * Not sent, or not taken effect (the server's own FATAL ended the session first: REVIEW-9 F4) — a plain
     * PgClosedException from internal.session.LostExchanges, which decides (LostExchangesTest) — another statement,
     * another failure: as they are.
     */
    @Test
    void aCommitThatDidNotRunAnotherStatementAndAnotherFailureStayAsTheyAre() {
        PgServerException refused = new PgServerException("db:5432", "ERROR: could not serialize access");
        PgOutcomeUnknownException unknown = new PgOutcomeUnknownException(LOST);

        assertThat(CommitText.failure("COMMIT", null, LOST)).isSameAs(LOST);
        assertThat(CommitText.failure("SELECT 1", null, unknown)).isSameAs(unknown);
        assertThat(CommitText.failure("COMMIT", null, refused)).isSameAs(refused);
        PgCommitOutcomeUnknownException inDoubt = new PgCommitOutcomeUnknownException(LOST);
        assertThat(CommitText.failure("COMMIT", null, inDoubt)).isSameAs(inDoubt);
    }

    /**
     * REVIEW-10 F1/F2: once the COMMIT's CommandComplete was read its outcome is known, whatever ends the session
     * after it — a FATAL too: never the unknown outcome, and the exchange completes with the answer.
     */
    @Test
    void aCommitAnsweredBeforeItsSessionEndedHasTheAnswersOutcome() {
        PgClosedException fatal = endedBy("FATAL", "57P01");

        assertThat(CommitText.answeredBeforeTheEnd("COMMIT", "COMMIT", fatal)).isTrue();
        assertThat(CommitText.answeredBeforeTheEnd("END", "ROLLBACK", LOST)).isTrue();
        assertThat(CommitText.answeredBeforeTheEnd("COMMIT", null, LOST)).as("no answer read").isFalse();
        assertThat(CommitText.answeredBeforeTheEnd("UPDATE t SET v = 1", "UPDATE 1", LOST)).as("no commit").isFalse();
        assertThat(CommitText.answeredBeforeTheEnd("COMMIT", "COMMIT", new PgServerException("db:5432", "ERROR")))
                .as("no session end").isFalse();
        PgOutcomeUnknownException unknown = new PgOutcomeUnknownException(LOST);
        assertThat(CommitText.failure("COMMIT; SELECT 1", "COMMIT", unknown))
                .as("the statements after an answered commit are ordinary ones").isSameAs(unknown);
    }

    private static PgClosedException endedBy(String severity, String code) {
        ServerErrorFields fields = new ServerErrorFields(Map.of('S', severity, 'V', severity, 'C', code, 'M', "ended"));
        return new PgClosedException("db:5432", "connection to db:5432 ended: " + severity + " " + code, fields, null);
    }
}
