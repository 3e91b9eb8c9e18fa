package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgOutcomeUnknownException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-33 F2: the session ended before {@code inTransaction}'s COMMIT was sent — the failure says so, and that the
 * transaction did not commit, in place of the core's "the statement was not sent" (which statement?).
 */
class CommitNotSentTest {

    private static final String ENDED = "connection to h:5432 closed: server h:5432 reported FATAL: terminating connection"
            + " due to administrator command (SQLSTATE 57P01)";

    @Test
    void theWaitBeforeTheCommitFailedAsNotSentSaysTheCommitWasNotSent() {
        PgClosedException core = new PgClosedException("h:5432", ENDED + "; the statement was not sent, so it did not run");

        Throwable told = CommitNotSent.told(new CompletionException(core));

        assertThat(told).isExactlyInstanceOf(PgClosedException.class)
                .hasMessage(ENDED + "; the COMMIT was not sent: the transaction did not commit")
                .hasCause(core);
        assertThat(((PgClosedException) told).host()).isEqualTo("h:5432");
    }

    /** A server error's lines under the first stay under it. */
    @Test
    void theNoteEndsTheFirstLine() {
        PgClosedException core = new PgClosedException("h:5432", ENDED + "; the statement was not sent, so it did not run\nHINT: h");

        assertThat(CommitNotSent.told(core))
                .hasMessage(ENDED + "; the COMMIT was not sent: the transaction did not commit\nHINT: h");
    }

    @Test
    void anUnknownOutcomeOrAnotherFailureIsPassedOnAsItIs() {
        PgOutcomeUnknownException unknown = new PgOutcomeUnknownException(new PgClosedException("h:5432", ENDED));
        IllegalStateException other = new IllegalStateException("x");

        assertThat(CommitNotSent.told(new CompletionException(unknown))).isSameAs(unknown);
        assertThat(CommitNotSent.told(other)).isSameAs(other);
    }
}
