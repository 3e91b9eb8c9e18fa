package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aWrittenCommitWhoseSessionEndedHasAnUnknownOutcome() {
        PgException failure = CommitText.failure("COMMIT", true, LOST);

        assertThat(failure).isInstanceOf(PgCommitOutcomeUnknownException.class).hasCause(LOST)
                .hasMessageContaining("may or may not have committed");
    }

    @Test
    void anUnwrittenCommitAnotherStatementAndAnotherFailureStayAsTheyAre() {
        PgServerException refused = new PgServerException("db:5432", "ERROR: could not serialize access");

        assertThat(CommitText.failure("COMMIT", false, LOST)).isSameAs(LOST);
        assertThat(CommitText.failure("SELECT 1", true, LOST)).isSameAs(LOST);
        assertThat(CommitText.failure("COMMIT", true, refused)).isSameAs(refused);
        PgCommitOutcomeUnknownException inDoubt = new PgCommitOutcomeUnknownException(LOST);
        assertThat(CommitText.failure("COMMIT", true, inDoubt)).isSameAs(inDoubt);
    }
}
