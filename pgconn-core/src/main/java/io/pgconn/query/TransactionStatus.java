package io.pgconn.query;

/** The transaction state the server reported in its last ReadyForQuery. */
public enum TransactionStatus {
    /** 'I': not in a transaction block. */
    IDLE,
    /** 'T': in a transaction block. */
    IN_TRANSACTION,
    /** 'E': in a failed transaction block; statements are refused until ROLLBACK. */
    FAILED;

    public static TransactionStatus of(char status) {
        return switch (status) {
            case 'I' -> IDLE;
            case 'T' -> IN_TRANSACTION;
            case 'E' -> FAILED;
            default -> throw new IllegalArgumentException("transaction status '" + status + "' (expected 'I', 'T' or 'E')");
        };
    }
}
