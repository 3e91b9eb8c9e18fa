package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;

/**
 * Errors after which the session is gone, and what R2DBC calls them. The R2DBC spec (1.0, "Exceptions")
 * lets the application assume the connection still valid after any categorized exception except the two
 * resource ones, so an error that ended the session is one of those whatever its SQLSTATE class says of a
 * live session — decided before the class (REVIEW F1: a standby's FATAL 40001 recovery conflict was an
 * {@code R2dbcRollbackException}, a "retry on this connection", on a connection that was already closed).
 *
 * <p>{@link R2dbcTransientResourceException} when a new session can do the work: the server went away or
 * is restarting (a closed socket, 57P01 a terminated session or smart/fast shutdown), a recovery conflict
 * (40001: "reconnect and repeat your command"), an idle session's timeout (57P05), a PANIC (the server
 * restarts). An immediate shutdown or crash restart sends 57P01/57P02 only as a WARNING notice before the
 * socket drops (a closed socket without SQLSTATE here); 57P03 comes only during startup (a connect failure).
 * {@link R2dbcNonTransientResourceException} when the server ended it for what it used or did, which a
 * retry meets again: 57P04 (the database was dropped), 25P04 ({@code transaction_timeout}), 25P03 (idle in
 * transaction longer than {@code idle_in_transaction_session_timeout}: the application held the
 * transaction open, and a retry runs the same code path, which holds it open again — REVIEW-8 F10).
 * A COMMIT whose session ended after it was sent is decided before this (R2dbcErrors: unknown outcome).
 */
final class SessionEndingErrors {

    private SessionEndingErrors() {
    }

    /**
     * Whether {@code error} ended the session: a closed connection (the core reports a FATAL or PANIC after
     * startup so, with the server's fields), or a statement's error that {@linkplain PgException#endsSession()
     * ends the session}. A connect's FATAL — a refused password, 3D000 — is a connect failure, not this.
     */
    static boolean endedTheSession(Throwable error) {
        return error instanceof PgClosedException || error instanceof PgServerException server && server.endsSession();
    }

    /** The resource exception for an error that {@linkplain #endedTheSession ended the session}. */
    static R2dbcException translate(PgException error) {
        String state = error.sqlState().orElse(null);
        if (state != null && endsEveryRetry(state)) {
            return new R2dbcNonTransientResourceException(error.getMessage(), state, error);
        }
        return new R2dbcTransientResourceException(error.getMessage(), state, error);
    }

    private static boolean endsEveryRetry(String state) {
        return switch (state) {
            case "57P04", "25P03", "25P04" -> true;
            default -> false;
        };
    }
}
