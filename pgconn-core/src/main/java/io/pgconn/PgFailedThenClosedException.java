package io.pgconn;

/**
 * A statement the server had failed with an ERROR (a 23505, a 40001 ...) before the connection was lost, its
 * ReadyForQuery with it: it did not take effect — outside a transaction block the error rolled back its implicit
 * transaction, inside one it failed the block, which ends with the session — and the server's error is
 * {@link #serverError()} (the cause), the error the caller would have got had the connection lived. The message is
 * the session's end with "the server had failed the statement (SQLSTATE 23505) before the session ended, so it did
 * not take effect" (docs/query.md §5). A script or a text of several statements too, when the error certainly undid
 * the statements of it that had completed (none of them may have committed on its own: no COMMIT, CALL, VACUUM ...).
 * A {@link PgClosedException}: the session is gone ({@link #sessionEnd()}). pgconn-r2dbc reports it as the server
 * error's R2DBC exception (23505: {@code R2dbcDataIntegrityViolationException}; 40001: {@code R2dbcRollbackException},
 * on a connection that is closed), its message saying that the connection was then lost (docs/r2dbc.md §2).
 */
public class PgFailedThenClosedException extends PgClosedException {

    private static final long serialVersionUID = 1L;

    /** The session's end as a statement that did not run reports it; null once deserialized. */
    private final transient PgClosedException sessionEnd;

    /**
     * The statement failed with {@code serverError} (an ERROR that does not end the session) when the session then
     * ended with {@code ended}: the end's message with the note, its fields, the server's error as the cause, and the
     * end's own cause and suppressed exceptions (the socket's: a reset's IOException) as suppressed ones, so a stack
     * trace still shows how the connection was lost.
     */
    // Throwable.addSuppressed is final and keeps the exception to itself: 'this' escapes to nothing a subclass overrides
    @SuppressWarnings("this-escape")
    public PgFailedThenClosedException(PgClosedException ended, PgException serverError) {
        super(ended.host(), ErrorMessageLines.addedToFirstLine(ended.getMessage(), "; the server had failed the statement"
                + serverError.sqlState().map(state -> " (SQLSTATE " + state + ")").orElse("") + " before the session ended, so it did"
                + " not take effect"), ended.serverFields(), serverError);
        if (ended.getCause() != null && ended.getCause() != serverError) {
            addSuppressed(ended.getCause());
        }
        for (Throwable suppressed : ended.getSuppressed()) {
            addSuppressed(suppressed);
        }
        this.sessionEnd = ended;
    }

    /**
     * The failure that ended the session, as a statement that did not run is told it (without this note); null after
     * deserialization (not serialized).
     */
    public PgClosedException sessionEnd() {
        return sessionEnd;
    }

    /**
     * The server's ERROR that failed the statement (its SQLSTATE, fields and message): the cause. For a COPY the client
     * refused (pgconn does not run COPY), the refusal, which the server's error answered.
     */
    public PgException serverError() {
        return (PgException) getCause();
    }
}
