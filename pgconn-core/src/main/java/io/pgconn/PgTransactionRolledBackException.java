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
 * After it the session is idle (no transaction) and usable.
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
