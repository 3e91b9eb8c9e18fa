package io.pgconn;

import java.util.Optional;

/**
 * A {@code COMMIT} that did not commit: the transaction had already failed (an earlier statement's
 * error, a statement timeout, a cancel), so the server ended it with {@code ROLLBACK} — which it reports
 * as a successful command with the tag {@code ROLLBACK}, not as an error. Reporting that as a completed
 * commit would lose the transaction's work silently; pgjdbc also raises it (since 42.2.11).
 *
 * <p>The server sent no ErrorResponse, so {@link #serverFields()} is empty; {@link #sqlState()} is
 * {@code 25P02} (in_failed_sql_transaction), the state the transaction was in, as pgjdbc reports it.
 * After a {@code COMMIT} that threw it the session is idle (no transaction) and usable.
 *
 * <p>Also thrown, as its subclass {@link PgServerTurnedReadOnlyException}, for a transaction pgconn does not let go
 * on because its server turned read-only ({@code default_transaction_read_only=on}, under {@code
 * target_session_attrs=read-write}; docs/query.md §5), and then where it is thrown says the session's state:
 * <ul>
 * <li>by a statement of such a transaction (refused unsent; begun with {@code beginWithFirstStatement}, every
 * statement after its first): the transaction is still open, {@code transactionStatus()} is {@code FAILED}, and every
 * later statement is refused the same way until the application ends it — {@code rollback()} (or {@code commit()},
 * which rolls it back and throws this again); code that goes on without ending it gets nothing done;</li>
 * <li>by that transaction's {@code commit()}: it was rolled back, and the session is idle once the exception is
 * thrown;</li>
 * <li>by a {@code BEGIN READ WRITE} sent on its own (the awaited {@code begin(options)}, the application's SQL): rolled
 * back at once, the session idle, and what follows runs outside any transaction.</li>
 * <li>by a request pipelined behind such a {@code BEGIN READ WRITE}, up to its transaction's end ({@code COMMIT} or
 * {@code commit()} included; "not sent ... nothing was committed"): refused unsent once pgconn's ROLLBACK is answered,
 * the session idle.</li>
 * </ul>
 */
public class PgTransactionRolledBackException extends PgServerException {

    private static final long serialVersionUID = 1L;

    /** SQLSTATE in_failed_sql_transaction. */
    public static final String SQL_STATE = "25P02";

    public PgTransactionRolledBackException(String host, String message) {
        super(host, message);
    }

    /**
     * The one rule for a COMMIT's answer, used by the core's {@code commit()} and pgconn-r2dbc's: the
     * command tag {@code ROLLBACK} means it did not commit.
     *
     * @throws PgTransactionRolledBackException when {@code commandTag} is {@code ROLLBACK}
     */
    public static void requireCommitted(String commandTag, String host) {
        if ("ROLLBACK".equals(commandTag)) {
            throw ofCommit(host);
        }
    }

    /** For {@code COMMIT} (or {@code END}) answered with the command tag {@code ROLLBACK} on {@code host}. */
    public static PgTransactionRolledBackException ofCommit(String host) {
        return new PgTransactionRolledBackException(host, "COMMIT on " + host + " did not commit: the transaction had failed"
                + " before it (an earlier statement's error, timeout or cancel), so the server rolled it back"
                + " and none of its changes were kept");
    }

    @Override
    public Optional<String> sqlState() {
        return Optional.of(SQL_STATE);
    }
}
