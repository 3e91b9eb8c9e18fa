package io.pgconn.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientException;

/**
 * {@code commitTransaction()} did not commit: the transaction had failed before it (an earlier statement's
 * error that the application caught and went on, a timeout, a cancel), and the server rolled it back.
 * SQLSTATE {@code 25P02}; the cause is the core's {@link io.pgconn.PgTransactionRolledBackException}.
 *
 * <p>None of the R2DBC SPI's own subclasses fits: {@code R2dbcRollbackException} is for a statement the
 * database rolled back on a deadlock or serialization failure (Spring makes it a retryable
 * {@code PessimisticLockingFailureException}), and retrying the same work would meet the same earlier
 * error. Spring's translation makes this one an {@code UncategorizedR2dbcException}: the commit fails
 * with the message and state, which is the point — the work is not reported as committed.
 */
public class TransactionRolledBackException extends R2dbcNonTransientException {

    private static final long serialVersionUID = 1L;

    public TransactionRolledBackException(String reason, String sqlState, Throwable cause) {
        super(reason, sqlState, cause);
    }
}
