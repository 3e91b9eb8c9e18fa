package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.ErrorMessageLines;
import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgOutcomeUnknownException;

/**
 * The failure of {@link PgConnSessions#inTransaction}'s commit when the session ended before its {@code COMMIT} was
 * sent — while the work's last statements were still answered, or after (NEW-USER-33 F2: a bare "connection to h
 * closed: ... (SQLSTATE 57P01)" did not tell this certain "did not commit" from a COMMIT whose answer was lost). The
 * core's wait for what is in flight says "the statement was not sent, so it did not run" then; this says which
 * statement, and what it means: a plain {@link PgClosedException} (no {@link PgOutcomeUnknownException}), its fields
 * and host the session's end's, that end its cause.
 */
final class CommitNotSent {

    /** The core's note on a request submitted after the session ended (docs/query.md §5, "lost requests"). */
    static final String CORE_NOT_SENT = "; the statement was not sent, so it did not run";

    static final String NOTE = "; the COMMIT was not sent: the transaction did not commit";

    private CommitNotSent() {
    }

    /** {@code failure} of the wait before the COMMIT, as the caller is told it: a closed session's end with {@link #NOTE}. */
    static Throwable told(Throwable failure) {
        Throwable ended = FutureFailures.unwrap(failure);
        if (!(ended instanceof PgClosedException closed) || ended instanceof PgOutcomeUnknownException) {
            return ended;
        }
        String withoutCoreNote = closed.getMessage().replace(CORE_NOT_SENT, "");
        return new PgClosedException(closed.host(), ErrorMessageLines.addedToFirstLine(withoutCoreNote, NOTE), closed.serverFields(), closed);
    }
}
