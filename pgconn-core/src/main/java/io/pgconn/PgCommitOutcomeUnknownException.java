package io.pgconn;

/**
 * A {@code COMMIT} whose outcome is unknown ("in doubt"): the session ended after the COMMIT was
 * written and before the server answered it (a crash, a network cut, a terminate or a proxy racing the
 * commit). The server may have committed the transaction and lost only the answer, or may never have
 * read the COMMIT. A retry of the whole transaction on a new session may apply its work twice: check
 * whether it committed (or make the work idempotent) before repeating it.
 *
 * <p>Raised by {@code commit()} and for a commit sent as text whose first keyword is {@code COMMIT} or
 * {@code END} ({@code COMMIT PREPARED} too; docs/query.md §5). Still a {@link PgClosedException} (the session is gone), with the cause and any server fields of
 * the failure that ended it. A COMMIT that never left the client (the session was closed before it was
 * written) is a plain {@link PgClosedException}: then nothing was committed. pgjdbc reports both as
 * SQLSTATE 08006 (connection failure) without telling them apart.
 */
public class PgCommitOutcomeUnknownException extends PgClosedException {

    private static final long serialVersionUID = 1L;

    public PgCommitOutcomeUnknownException(PgClosedException ended) {
        super(ended.host(), "COMMIT on " + ended.host() + " has an unknown outcome: the connection ended after the COMMIT"
                + " was sent and before the server answered it, so the transaction may or may not have committed"
                + " (do not repeat it without checking): " + ended.getMessage(), ended.serverFields(), ended);
    }
}
