package io.pgconn.internal.query;

import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Parse;
import io.pgconn.internal.protocol.frontend.Sync;

/**
 * What ends an exchange cancelled (or timed out) before its execution was written. Inside a
 * transaction it must not simply vanish: a statement the server rejects goes before the Sync, so the
 * transaction fails ('E') and a COMMIT pipelined behind answers ROLLBACK instead of committing
 * without it — as it would have, had the statement run and failed (docs/query.md §5).
 */
final class WithdrawnStatement {

    /** Not SQL (a syntax error): written in place of the withdrawn statement. */
    static final String SQL = "pgconn_statement_withdrawn_after_cancel_or_timeout";

    private static final int[] NO_TYPES = new int[0];

    private WithdrawnStatement() {
    }

    /** The rejected statement, then the Sync: fails the open (or implicit) transaction. */
    static FrontendMessage failingTheTransaction() {
        return MessageSequence.of(new Parse("", SQL, NO_TYPES), Sync.INSTANCE);
    }

    /**
     * The end of an exchange whose Parse/Describe were written but whose execution never will be,
     * decided once the server answered everything before it ({@code transactionStatus} is then the one
     * the statement would have run in): with no transaction open a bare Sync (nothing ran, nothing to
     * fail, no ERROR line in the server's log), else {@link #failingTheTransaction()}.
     */
    static FrontendMessage ending(char transactionStatus) {
        return transactionStatus == 'I' ? Sync.INSTANCE : failingTheTransaction();
    }
}
