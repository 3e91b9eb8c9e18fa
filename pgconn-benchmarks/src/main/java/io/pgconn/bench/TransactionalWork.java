package io.pgconn.bench;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

/**
 * The unit of work of {@link Scenario#DATA_TX}: one transaction, as a Spring service method annotated
 * {@code @Transactional} runs it — read a {@value SpringDataWork#TABLE} row by id, write its amount back one cent
 * higher, read the amount again (the write must show) — through Spring's transaction management and its SQL
 * helper: {@code TransactionalOperator} + {@code R2dbcTransactionManager} + {@code DatabaseClient} on an R2DBC pool,
 * or {@code TransactionTemplate} + {@code DataSourceTransactionManager} + {@code JdbcTemplate} on a JDBC pool. The
 * shape of NEW-USER-26's load (three statements in a transaction), where the drivers' client CPU per request was
 * measured apart (pgconn-r2dbc 2.7 ms, r2dbc-postgresql 2.1, pgjdbc 0.57 inside a WebFlux app).
 */
interface TransactionalWork {

    String SELECT_ROW = "SELECT id, name, amount, created FROM " + SpringDataWork.TABLE + " WHERE id = :id";
    String UPDATE_AMOUNT = "UPDATE " + SpringDataWork.TABLE + " SET amount = :amount WHERE id = :id";
    String SELECT_AMOUNT = "SELECT amount FROM " + SpringDataWork.TABLE + " WHERE id = :id";
    BigDecimal CENT = new BigDecimal("0.01");

    /**
     * Runs the transaction on the row with this id; completes with the amount read back, or exceptionally when the
     * row is missing or the amount read back is not the one written.
     */
    CompletableFuture<BigDecimal> selectUpdateSelect(long id);

    /** The check of the third statement: what it read is what the second wrote (inside the same transaction). */
    static BigDecimal readBack(long id, BigDecimal written, BigDecimal read) {
        if (read == null || read.compareTo(written) != 0) {
            throw new IllegalStateException("row " + id + " of " + SpringDataWork.TABLE + ": wrote amount " + written
                    + " in the transaction, read back " + read);
        }
        return read;
    }
}
