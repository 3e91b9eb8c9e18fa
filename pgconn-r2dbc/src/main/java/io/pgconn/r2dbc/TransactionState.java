package io.pgconn.r2dbc;

/**
 * Whether the session is inside a transaction block, followed from the command tags of what runs
 * on it ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, ...), so {@code isAutoCommit()} and the
 * commit/rollback no-ops answer without a round trip.
 */
final class TransactionState {

    private volatile boolean active;

    boolean isActive() {
        return active;
    }

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

    /** The session ended: the server rolled back its transaction, none is open any more. */
    void onSessionEnd() {
        active = false;
    }

    /** An error does not end a transaction block (it fails it until ROLLBACK); outside one nothing changes. */
    void onError() {
    }
}
