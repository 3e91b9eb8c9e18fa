package io.pgconn;

/**
 * A statement whose outcome is unknown: the connection was lost after the statement had been sent (some of it had
 * reached the socket) and before the server answered it (its ReadyForQuery), and nothing the server said shows
 * that it did not take effect. The server may have run it — outside a transaction block, and committed it — and
 * lost only the answer: a server that closes a session with unread input resets the connection, and the client's
 * kernel then drops the answers it had not read yet, so statements pipelined on a connection killed mid-way can have
 * committed though every one of them failed (user13's F7). Repeating such a write may apply it twice: check whether
 * it took effect (or make it idempotent) before repeating it.
 *
 * <p>Every other {@link PgClosedException} a statement fails with on a lost connection says, in its message, why it
 * took no effect: it was not sent (it never left the client: still queued, held back, or in a buffer the socket had
 * not taken; or submitted after the session had ended), the server had failed it with an ERROR before the end (that
 * error is the cause), it was sent inside a transaction block that no later statement sent could have committed (the block
 * ends rolled back with the session), or the server ended the session itself (a FATAL that is no PANIC and no
 * connection exception, class 08) before the statement completed — or before it got to it, behind the statement it
 * was running — or why nothing of it can remain: it could change only the session, which ended (a {@code BEGIN},
 * {@code SET}, {@code SAVEPOINT}, {@code ROLLBACK} ...: it can be repeated on a new connection). Not a statement it
 * was running outside a transaction block that may commit part of its work inside itself, before its CommandComplete
 * — a {@code CALL} or {@code DO} (a procedure's {@code COMMIT}), {@code VACUUM}, {@code CREATE INDEX CONCURRENTLY}
 * ...: that one is unknown too, also after its ERROR. The rule is docs/query.md §5. {@link PgCommitOutcomeUnknownException} is the case of a
 * {@code COMMIT}. pgjdbc reports all of these alike as SQLSTATE 08006; pgconn-r2dbc makes this exception
 * non-transient and the others transient.
 */
public class PgOutcomeUnknownException extends PgClosedException {

    private static final long serialVersionUID = 1L;

    /** The session's end as a statement that did not run reports it; null once deserialized. */
    private final transient PgClosedException sessionEnd;

    /**
     * The outcome of a statement that had been sent when the session ended with {@code ended}: its message with the
     * note, its fields, and its cause and suppressed exceptions (the socket's own), as a plain closed error has them.
     */
    // Throwable.addSuppressed is final and keeps the exception to itself: 'this' escapes to nothing a subclass overrides
    @SuppressWarnings("this-escape")
    public PgOutcomeUnknownException(PgClosedException ended) {
        super(ended.host(), ErrorMessageLines.addedToFirstLine(ended.getMessage(), "; the statement had been sent and its answer"
                + " was lost, so it may have been executed (outside a transaction block, committed): check before repeating it"),
                ended.serverFields(), ended.getCause());
        for (Throwable suppressed : ended.getSuppressed()) {
            addSuppressed(suppressed);
        }
        this.sessionEnd = ended;
    }

    /** With a message of its own (a COMMIT's), and {@code ended} as its cause. */
    protected PgOutcomeUnknownException(PgClosedException ended, String message) {
        super(ended.host(), message, ended.serverFields(), ended);
        this.sessionEnd = ended;
    }

    /** The failure that ended the session, as a statement that did not run is told it (without this note). */
    public PgClosedException sessionEnd() {
        return sessionEnd;
    }
}
