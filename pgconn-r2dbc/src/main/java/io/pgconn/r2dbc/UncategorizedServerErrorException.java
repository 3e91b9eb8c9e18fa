package io.pgconn.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientException;

/**
 * The server failed a statement with an error of a SQLSTATE class none of the R2DBC SPI's categories fits — a
 * {@code RAISE EXCEPTION} (P0001), a statement in a failed transaction (25P02), a program limit (54000), an
 * unsupported feature (0A000), an internal error (XX000), an object in use (55006) ... — and the session goes on:
 * the connection is still valid (the SPI: after a non-transient exception other than
 * {@code R2dbcNonTransientResourceException} the application can assume so). Spring's translation makes it an
 * {@code UncategorizedR2dbcException}, as its SQL-state translation over pgjdbc makes these an
 * {@code UncategorizedSQLException}; the SQLSTATE is {@link #getSqlState()}, the server's message the message, and
 * the cause the core's exception with every field the server sent.
 *
 * <p>It was an {@code R2dbcNonTransientResourceException}, which says the connection may be gone and which Spring
 * makes a {@code DataAccessResourceFailureException}, "the database is down" to health indicators and circuit
 * breakers (REVIEW-20 R3). Errors that say something of the server or the session stay resource exceptions: a
 * session the error ended, a failure without a SQLSTATE, a connect's failure, 25006 (a write on a standby) and
 * class 58 (the server's own I/O) (docs/r2dbc.md §2).
 */
public class UncategorizedServerErrorException extends R2dbcNonTransientException {

    private static final long serialVersionUID = 1L;

    public UncategorizedServerErrorException(String reason, String sqlState, Throwable cause) {
        super(reason, sqlState, cause);
    }
}
