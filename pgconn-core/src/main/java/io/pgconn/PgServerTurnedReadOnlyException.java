package io.pgconn;

/**
 * A transaction opened {@code READ WRITE} that pgconn rolled back because its server turned read-only: under {@code
 * target_session_attrs=read-write}, the server reported {@code default_transaction_read_only=on} (its own change, a
 * reload) before the transaction's {@code BEGIN READ WRITE} was answered. {@code READ WRITE} overrides that default, so
 * PostgreSQL would take the transaction's writes although the server is no longer the read-write one the connection asked
 * for; the write belongs on the new primary (docs/query.md §5, docs/r2dbc.md §4).
 *
 * <p>A {@link PgTransactionRolledBackException} (SQLSTATE {@code 25P02}; nothing of the transaction is kept), and unlike
 * one caused by an earlier error of the transaction itself, the same work on a read-write server may succeed:
 * pgconn-r2dbc reports it as a transient resource failure, the server's own 25P02 stays non-transient. What the
 * session is in after it depends on what failed: after the failure of the {@code BEGIN} itself ({@link
 * #rolledBackAtBegin}) or of the transaction's commit, idle (pgconn's {@code ROLLBACK} was answered first), unless the
 * session ended before that answer ({@link #endedBeforeItsRollback}: closed, and the server rolled the transaction
 * back); after the refusal of a statement inside the transaction ({@link #notCommitted}, {@link
 * #notSentAfterRolledBackBegin} of one begun with its first statement), the transaction is still open and failed ({@code
 * FAILED}) until {@code rollback()} or {@code commit()} ends it (REVIEW-33b R33b-3: this said "open and idle" for all).
 */
public class PgServerTurnedReadOnlyException extends PgTransactionRolledBackException {

    private static final long serialVersionUID = 1L;

    public PgServerTurnedReadOnlyException(String host, String message) {
        super(host, message);
    }

    /**
     * A transaction begun with its first statement ({@code beginWithFirstStatement}): the first statement ran, nothing
     * after it is sent, and its end is a ROLLBACK.
     */
    public static PgServerTurnedReadOnlyException notCommitted(String host) {
        return new PgServerTurnedReadOnlyException(host, "transaction on " + host + " not committed: " + why()
                + "; nothing more of it is sent and it is rolled back, so none of its changes are kept");
    }

    /** A {@code BEGIN READ WRITE} sent on its own ({@code begin(options)}, or the application's SQL): rolled back at once. */
    public static PgServerTurnedReadOnlyException rolledBackAtBegin(String host) {
        return new PgServerTurnedReadOnlyException(host, "transaction on " + host + " rolled back as soon as its BEGIN"
                + " READ WRITE was answered: " + why() + "; what was sent behind it up to the transaction's end is refused"
                + " unsent, and what follows that runs under the server's read-only default");
    }

    /**
     * As {@link #rolledBackAtBegin}, but the session ended before pgconn's {@code ROLLBACK} was answered: the server rolls
     * back the transaction of a session that ends, so nothing of it is kept either, and the session is closed, not idle
     * ({@code sessionEnd}, the ROLLBACK's failure, is added as suppressed).
     */
    public static PgServerTurnedReadOnlyException endedBeforeItsRollback(String host, Throwable sessionEnd) {
        PgServerTurnedReadOnlyException e = new PgServerTurnedReadOnlyException(host, "transaction on " + host
                + " not committed: " + why() + "; the session ended before pgconn's ROLLBACK of it was answered, and the"
                + " server rolls back the transaction of a session that ends, so none of its changes are kept");
        e.addSuppressed(sessionEnd);
        return e;
    }

    /**
     * A request pipelined behind such a {@code BEGIN READ WRITE}, up to and including the transaction's end (a COMMIT):
     * refused unsent, so that nothing of the rolled-back transaction runs outside it and no COMMIT reports it committed.
     */
    public static PgServerTurnedReadOnlyException notSentAfterRolledBackBegin(String host) {
        return new PgServerTurnedReadOnlyException(host, "not sent to " + host + ": its transaction was rolled back as soon"
                + " as its BEGIN READ WRITE was answered (" + why() + "), so nothing of it ran and nothing was committed");
    }

    private static String why() {
        return "the server turned read-only (it reported default_transaction_read_only=on before the transaction's"
                + " BEGIN READ WRITE, which overrides that default, was answered) and target_session_attrs=read-write asks"
                + " for a read-write server";
    }
}
