package io.pgconn.r2dbc;

import io.pgconn.FutureFailures;
import io.pgconn.PgException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.IsolationLevel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the session is inside a transaction block, so {@code isAutoCommit()} and the commit/rollback
 * no-ops answer without a round trip. The server decides: at the end of each exchange it answered, the
 * status of its ReadyForQuery (the core's {@code transactionStatus()}) is taken ({@link #follow}).
 * Command tags cannot tell: PostgreSQL ends the block whatever it answers a {@code COMMIT} — also an
 * ERROR (a deferred constraint, a serialization failure at commit) — and a failed
 * {@code PREPARE TRANSACTION}, while {@code COMMIT AND CHAIN} keeps one open under the tag
 * {@code COMMIT} (REVIEW-9 F1). Tags still stand in for an end nobody waits for (a reader that cancels
 * after the command's completion), and a {@code BEGIN} sent ahead of a statement (auto-commit off)
 * counts as open until it is answered, so an earlier exchange's end does not undo it meanwhile; so does
 * {@code beginTransaction()}'s, which rides with the transaction's first statement (the core's
 * {@code beginWithFirstStatement}), from the call until the core has it in place — from then on the core's
 * status says the transaction is open until its {@code BEGIN} is answered, or its commit or rollback.
 *
 * <p>It also keeps the isolation level {@code getTransactionIsolationLevel()} reports without a round trip: the
 * open transaction's, and the session's default as {@code setTransactionIsolationLevel} left it — applied when the
 * transaction it was set in ends with a {@code COMMIT}, dropped when it rolls back (the server undoes a
 * {@code SET} of a transaction that does not commit). A transaction begun with SQL of the application's own
 * ({@code BEGIN ISOLATION LEVEL ...}) is reported at the session's level.
 */
final class TransactionState {

    private volatile boolean active;
    /**
     * {@code BEGIN}s the session's status may not show yet: one riding with the first statement until the core placed it
     * ({@link #follow} keeps the transaction open meanwhile).
     */
    private final AtomicInteger beginsUnanswered = new AtomicInteger();
    /**
     * The transaction block as the isolation bookkeeping follows it: opened as {@link #active}, closed only by an
     * idle ReadyForQuery or the session's end — not by a tag, so {@code ROLLBACK TO SAVEPOINT} (tag {@code ROLLBACK})
     * does not end it.
     */
    private boolean blockOpen;
    /** The session's default isolation level (what {@code setTransactionIsolationLevel} set outside a transaction). */
    private volatile IsolationLevel sessionIsolation;
    /** The session's default isolation level when it connected: what a reset of every setting goes back to. */
    private final IsolationLevel connectIsolation;
    /** Set inside the open transaction: the server keeps it if the transaction commits and undoes it if not. */
    private IsolationLevel sessionIsolationAtCommit;
    /** The open transaction's level: a definition's, or the session's when it began. */
    private volatile IsolationLevel transactionIsolation;
    /** Whether the open transaction's last end command was a {@code COMMIT} (a failed one's is {@code ROLLBACK}). */
    private boolean committed;
    /**
     * Why the open transaction failed before its first statement: the error of the lock timeout's {@code set_config}
     * that {@code beginTransaction} sent unawaited ({@link #settingFailed}); null when none.
     */
    private volatile Throwable settingFailure;

    TransactionState(IsolationLevel sessionIsolation) {
        this.connectIsolation = sessionIsolation;
        this.sessionIsolation = sessionIsolation;
    }

    boolean isActive() {
        return active;
    }

    /** A command's completion, before its exchange's end says what the server's status is. */
    synchronized void onCommand(String tag) {
        if (tag == null) {
            return;
        }
        switch (tag) {
            case "BEGIN", "START TRANSACTION", "SAVEPOINT" -> opened();
            case "COMMIT" -> {
                committed = true;
                active = false;
            }
            case "ROLLBACK", "PREPARE TRANSACTION", "COMMIT PREPARED", "ROLLBACK PREPARED" -> {
                // also ROLLBACK TO SAVEPOINT's tag, which ends no block: a later COMMIT sets it again, and a level set
                // after the savepoint rolled back to is still applied at that COMMIT though the server undid it — the
                // tag names no savepoint, so which SETs it undid is not known here (REVIEW-20 R9; r2dbc.md §3)
                committed = false;
                active = false;
            }
            default -> {
            }
        }
    }

    /**
     * {@code beginTransaction()}, or an operation with auto-commit off: its {@code BEGIN} rides with the first statement, and the transaction is open from
     * this call on, at {@code level} (null: the session's) — until the core has placed the {@code BEGIN}
     * ({@link #beginPlaced}), whatever an earlier exchange's end says.
     */
    synchronized void begunWithFirstStatement(IsolationLevel level) {
        beginsUnanswered.incrementAndGet();
        opened();
        if (level != null) {
            transactionIsolation = level;
        }
    }

    /** The core placed (or could not place) {@link #begunWithFirstStatement}'s {@code BEGIN}: its status says it now. */
    void beginPlaced() {
        beginsUnanswered.decrementAndGet();
    }

    /**
     * The {@code set_config} that {@code beginTransaction} sent for the definition's lock wait timeout, its answer not
     * awaited, failed with {@code error}: the transaction failed with it, and its later statements' 25P02
     * ({@link #explained}) carry it.
     */
    void settingFailed(Throwable error) {
        settingFailure = error;
    }

    /**
     * A statement of the open transaction failed with {@code error}: when it is the server's 25P02 ("current transaction
     * is aborted", or a commit answered ROLLBACK) in a transaction whose lock-timeout {@code set_config} failed, that
     * failure is added to it as suppressed — the server's 25P02 alone did not say why (closing note 27); the core's
     * exception is made with its cause, so this is where it can go.
     */
    void explained(Throwable error) {
        Throwable setting = settingFailure;
        if (setting != null && FutureFailures.unwrap(error) instanceof PgException pg && pg != setting
                && pg.sqlState().filter(PgTransactionRolledBackException.SQL_STATE::equals).isPresent()) {
            pg.addSuppressed(setting);
        }
    }

    /** The server answered an exchange: {@code status} is that of its ReadyForQuery (or a later one). */
    synchronized void follow(TransactionStatus status) {
        if (status != TransactionStatus.IDLE || beginsUnanswered.get() > 0) {
            opened();
        } else {
            closed();
        }
    }

    /** The session ended: the server rolled back its transaction, none is open any more. */
    synchronized void onSessionEnd() {
        committed = false;
        closed();
    }

    /**
     * The isolation level {@code getTransactionIsolationLevel()} reports: the open transaction's (a definition's level
     * while its transaction is open, REVIEW-20 R5), else the session's.
     */
    IsolationLevel isolationLevel() {
        IsolationLevel open = transactionIsolation;
        return active && open != null ? open : sessionIsolation;
    }

    /**
     * Every setting of the session was reset outside a transaction ({@code DISCARD ALL}, {@code RESET ALL}: the reset on
     * release): its default isolation level is the one it connected with again.
     */
    synchronized void sessionIsolationReset() {
        sessionIsolation = connectIsolation;
        sessionIsolationAtCommit = null;
    }

    /**
     * {@code SET SESSION CHARACTERISTICS} was answered: the session's level from now on — or, set inside a transaction,
     * from its COMMIT on; a rollback undoes it, as the server does (REVIEW-20 R5).
     */
    synchronized void sessionIsolationSet(IsolationLevel level) {
        if (blockOpen) {
            sessionIsolationAtCommit = level;
        } else {
            sessionIsolation = level;
        }
    }

    private void opened() {
        active = true;
        if (!blockOpen) {
            blockOpen = true;
            committed = false;
            transactionIsolation = sessionIsolation;
        }
    }

    private void closed() {
        active = false;
        settingFailure = null;
        if (blockOpen) {
            blockOpen = false;
            if (committed && sessionIsolationAtCommit != null) {
                sessionIsolation = sessionIsolationAtCommit;
            }
            sessionIsolationAtCommit = null;
            transactionIsolation = null;
        }
    }
}
