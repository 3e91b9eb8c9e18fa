package io.pgconn;

/**
 * A {@code COMMIT} whose outcome is unknown ("in doubt"): the session ended after the COMMIT was
 * written and before the server answered it (a crash, a network cut, a terminate during a
 * synchronous-replication wait, which the server reports only as a WARNING, a proxy racing the commit).
 * The server may have committed the transaction and lost only the answer, or may never have read the
 * COMMIT. A retry of the whole transaction on a new session may apply its work twice: check whether it
 * committed (or make the work idempotent) before repeating it.
 *
 * <p>Raised by {@code commit()} and for a commit sent as text whose first keyword is {@code COMMIT} or
 * {@code END} ({@code COMMIT PREPARED} too; docs/query.md §5). A {@link PgOutcomeUnknownException} (the statement's
 * case of a commit) and so a {@link PgClosedException} (the session is gone), with the cause and any server fields of the failure that ended it. Not raised — a
 * plain {@link PgClosedException}, nothing was committed — for a COMMIT that never left the client (the
 * session was closed before it was written), nor for one the server answered with a FATAL of its own
 * (57P01 terminate or shutdown, 25P03, 25P04 ...): PostgreSQL holds interrupts across the commit and
 * makes a failure after the commit record a PANIC, so its FATAL means it did not commit. A PANIC and a
 * FATAL of class 08 (a pooler's or proxy's report of a server connection it lost) stay unknown. Nor for a
 * COMMIT the server answered (its CommandComplete read) before the session ended — a FATAL behind the
 * answer too: the answer decides (tag COMMIT: committed; ROLLBACK: {@link PgTransactionRolledBackException}). pgjdbc
 * reports a lost answer and an unsent COMMIT alike as SQLSTATE 08006 (connection failure).
 */
public class PgCommitOutcomeUnknownException extends PgOutcomeUnknownException {

    private static final long serialVersionUID = 1L;

    public PgCommitOutcomeUnknownException(PgClosedException ended) {
        super(ended, "COMMIT on " + ended.host() + " has an unknown outcome: the connection ended after the COMMIT"
                + " was sent and before the server answered it, so the transaction may or may not have committed"
                + " (do not repeat it without checking): " + ended.getMessage());
    }
}
