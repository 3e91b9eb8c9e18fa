package io.pgconn.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * A read cut off by a rollback or the release to the pool (r2dbc.md §3, §4): its reader neither read it to its
 * end nor cancelled it within the grace, so the statement was cancelled. Told to the reader at once, not behind
 * rows it never asked for (a script's result keeps some: {@link ScriptResults}).
 */
final class StatementCutOffException extends R2dbcNonTransientResourceException {

    private static final long serialVersionUID = 1L;

    StatementCutOffException(String message) {
        super(message);
    }
}
