package io.pgconn.r2dbc;

import io.pgconn.query.TransactionStatus;

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
 * counts as open until it is answered, so an earlier exchange's end does not undo it meanwhile.
 */
final class TransactionState {

    private volatile boolean active;
    private final AtomicInteger beginsUnanswered = new AtomicInteger();

    boolean isActive() {
        return active;
    }

    /** A command's completion, before its exchange's end says what the server's status is. */
    void onCommand(String tag) {
        if (tag == null) {
            return;
        }
        switch (tag) {
            case "BEGIN", "START TRANSACTION", "SAVEPOINT" -> active = true;
            case "COMMIT", "ROLLBACK", "PREPARE TRANSACTION", "COMMIT PREPARED", "ROLLBACK PREPARED" -> active = false;
            default -> {
            }
        }
    }

    /** A {@code BEGIN} went to the session ahead of a statement; the transaction is open from now on. */
    void beginSentAhead() {
        beginsUnanswered.incrementAndGet();
        active = true;
    }

    /** The server answered a {@code BEGIN} sent ahead (or the session ended under it). */
    void beginAnswered() {
        beginsUnanswered.decrementAndGet();
    }

    /** The server answered an exchange: {@code status} is that of its ReadyForQuery (or a later one). */
    void follow(TransactionStatus status) {
        active = status != TransactionStatus.IDLE || beginsUnanswered.get() > 0;
    }

    /** The session ended: the server rolled back its transaction, none is open any more. */
    void onSessionEnd() {
        active = false;
    }
}
