package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.ErrorMessageLines;
import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgFailedThenClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgServerException;
import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.PgStaleStatementException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTransactionRolledBackException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;

import java.util.concurrent.CancellationException;

/**
 * The one place core errors become R2DBC exceptions, so Spring's exception translation sees the usual
 * hierarchy (integrity violation, bad grammar, ...): a transaction rolled back because its server turned read-only
 * ({@link PgServerTurnedReadOnlyException}: transient), a COMMIT answered ROLLBACK ({@link TransactionRolledBackException}),
 * a statement (a COMMIT among them) whose outcome is unknown
 * first (never transient: it may have committed; {@link PgOutcomeUnknownException}), then a statement the server had
 * failed before its connection was lost ({@link PgFailedThenClosedException}: its server error's exception), then a
 * connect on a closed factory ({@link PgFactoryClosedException}: non-transient, it never connects again), then an
 * error that ended the session ({@link SessionEndingErrors}),
 * then a connect's deciding failure (the core's {@link ConnectFailures}), then the SQLSTATE class — a live session's
 * server error of a class no R2DBC category fits being {@link UncategorizedServerErrorException}, the connection
 * still valid (REVIEW-20 R3). The message is the core's, which never holds parameter values.
 */
final class R2dbcErrors {

    private R2dbcErrors() {
    }

    static Throwable translate(Throwable error) {
        Throwable cause = FutureFailures.unwrap(error);
        if (cause instanceof R2dbcException || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException || cause instanceof CancellationException) {
            return cause;
        }
        if (!(cause instanceof PgException pg)) {
            return cause;
        }
        if (cause instanceof PgServerTurnedReadOnlyException) {
            // a READ WRITE transaction pgconn rolled back because its server turned read-only under
            // target_session_attrs=read-write (docs/r2dbc.md §4): the work was sound, only the server was wrong — a
            // failover-like condition, the write belongs on the new primary, which a new session reaches (this host is
            // remembered read-only, its idle sessions evicted). Transient, as a lost server is: Spring's
            // TransientDataAccessResourceException, which retry policies retry. Before the general 25P02 below: a
            // COMMIT the server answered ROLLBACK (an earlier error of the transaction) stays non-transient
            return new R2dbcTransientResourceException(pg.getMessage(), pg.sqlState().orElse(null), cause);
        }
        if (cause instanceof PgTransactionRolledBackException) {
            return new TransactionRolledBackException(pg.getMessage(), pg.sqlState().orElse(null), cause);
        }
        if (cause instanceof PgOutcomeUnknownException) {
            // the session ended after the statement (a COMMIT, or any statement that may have committed on its own:
            // outside a transaction block, or with a COMMIT sent behind it) was sent and before its answer: it may
            // have taken effect, so not "a new session can do the work" (a retry policy would apply it twice;
            // REVIEW-8 F3, user13's F7). Non-transient, as pgjdbc's 08006 is to Spring
            // (DataAccessResourceFailureException); the message says the outcome is unknown. A statement that was
            // not sent, or that the session's end undid, is a plain PgClosedException: transient below
            return new R2dbcNonTransientResourceException(pg.getMessage(), pg.sqlState().orElse(null), cause);
        }
        if (cause instanceof PgFailedThenClosedException failed) {
            // the server had failed the statement (a 23505) before the connection was lost: what happened to it is
            // the server's error, which undid it, so it is that error's R2DBC exception (Spring's DuplicateKeyException
            // for a 23505), the message saying that the connection was then lost; not the session end's (57P01 or
            // none: transient, the 23505 only in getCause()) (docs/r2dbc.md §2)
            PgException server = failed.serverError();
            return ofStatementError(server, ErrorMessageLines.addedToFirstLine(server.getMessage(), "; then the connection was lost: "
                    + ErrorMessageLines.oneLine(failed.getMessage())), cause);
        }
        if (ConnectFailures.deciding(pg) instanceof PgFactoryClosedException) {
            // a connect on a closed factory (itself or the host failure that decided a walk): a PgClosedException,
            // but not a lost server — a closed factory never connects again, so a retry cannot succeed
            // (the core's ConnectFailures.isWorthRetryingSoon; docs/r2dbc.md §2). It was transient
            return new R2dbcNonTransientResourceException(pg.getMessage(), cause);
        }
        if (SessionEndingErrors.endedTheSession(pg)) {
            // before the SQLSTATE class: the class tells what a live session's error means (a 40001 retries
            // on the same connection), but this session is gone (REVIEW F1)
            return SessionEndingErrors.translate(pg);
        }
        return ofStatementError(pg, pg.getMessage(), cause);
    }

    /** The R2DBC exception for {@code pg}, a statement's error or a failed connect, with {@code message} and {@code cause}. */
    private static R2dbcException ofStatementError(PgException pg, String message, Throwable cause) {
        if (pg instanceof PgStaleStatementException) {
            // 0A000 "cached plan must not change result type" (a concurrent ALTER TABLE) or 26000 for a cached
            // statement the core could not re-run (inside a transaction block): its cache entry is dropped, so the
            // transaction run again succeeds. A rollback exception: the connection stays valid (R2DBC spec), the
            // transaction must roll back, and Spring makes it a transient PessimisticLockingFailureException that
            // retry policies retry (user13's F3: it was a non-transient resource failure)
            return new R2dbcRollbackException(message, pg.sqlState().orElse(null), cause);
        }
        return byKind(ConnectFailures.deciding(pg), message, cause);
    }

    /** Whether {@code error} (as the core reports it, possibly wrapped) ended the session ({@link SessionEndingErrors}). */
    static boolean endedTheSession(Throwable error) {
        return SessionEndingErrors.endedTheSession(FutureFailures.unwrap(error));
    }

    /**
     * The R2DBC exception for a failure of {@code kind}'s type and SQLSTATE, with the reported failure's
     * message and the reported failure as cause (for a multi-host connect, {@code kind} is the host failure
     * that decided the walk and the message lists every host).
     */
    private static R2dbcException byKind(PgException kind, String message, Throwable cause) {
        String state = kind.sqlState().orElse(null);
        if (state == null) {
            if (kind instanceof PgTimeoutException) {
                return new R2dbcTimeoutException(message, cause);
            }
            if (kind instanceof PgClosedException
                    || kind instanceof PgConnectException && !ConnectFailures.isLasting(kind)) {
                // a host of a walk that went away, or no host was usable just now (refused, no primary yet,
                // 53300): a retry may succeed, as for 08/53/57 and a lost session (SessionEndingErrors) —
                // user4's F6: how the server was lost decided it
                return new R2dbcTransientResourceException(message, cause);
            }
            return new R2dbcNonTransientResourceException(message, cause);
        }
        if (state.equals("42501")) {
            return new R2dbcPermissionDeniedException(message, state, cause);
        }
        if (state.equals("57014")) {
            return new R2dbcTimeoutException(message, state, cause);
        }
        return switch (state.substring(0, 2)) {
            // 22 (data exception: 22003 out of range, 22P02 bad text for a type, 22001 too long) is bad input,
            // not a resource failure; with 27 (triggered data change) and 44 (WITH CHECK OPTION) it is where
            // Spring's SQL-state translation (what it does over pgjdbc) puts data integrity, next to 23; 21
            // (cardinality: a subquery of more than one row, ON CONFLICT DO UPDATE touching a row twice) is
            // Spring's DuplicateKeyException over pgjdbc (sql-error-codes), as r2dbc-postgresql has it (REVIEW-20 R3)
            case "21", "22", "23", "27", "44" -> new R2dbcDataIntegrityViolationException(message, state, cause);
            case "42" -> new R2dbcBadGrammarException(message, state, cause);
            case "28" -> new R2dbcPermissionDeniedException(message, state, cause);
            case "40" -> new R2dbcRollbackException(message, state, cause);
            // 55P03 lock_not_available (lock_timeout, NOWAIT): a lock conflict, which Spring over pgjdbc makes a
            // CannotAcquireLockException; a rollback exception gives its PessimisticLockingFailureException parent,
            // a concurrency failure a retry policy handles (user3's F9: it was a resource failure, "database down")
            case "55" -> state.equals("55P03") ? new R2dbcRollbackException(message, state, cause)
                    : uncategorized(kind, message, state, cause);
            case "08", "53", "57" -> new R2dbcTransientResourceException(message, state, cause);
            // 25006 (a write in a read-only transaction) is also what a standby answers a write: a wrong-server
            // condition; class 58 (system error: the server's I/O, a file missing) is the server's resources
            case "58" -> new R2dbcNonTransientResourceException(message, state, cause);
            default -> state.equals("25006") ? new R2dbcNonTransientResourceException(message, state, cause)
                    : uncategorized(kind, message, state, cause);
        };
    }

    /**
     * A server error of a SQLSTATE no R2DBC category fits. On a live session (the core's {@link PgServerException}:
     * an ErrorResponse after startup; one that ended the session was decided before) the connection stays valid:
     * {@link UncategorizedServerErrorException}, Spring's UncategorizedR2dbcException (REVIEW-20 R3: it was a
     * resource exception, Spring's "database down", for a RAISE EXCEPTION). A connect's failure stays a resource one.
     */
    private static R2dbcException uncategorized(PgException kind, String message, String state, Throwable cause) {
        return kind instanceof PgServerException ? new UncategorizedServerErrorException(message, state, cause)
                : new R2dbcNonTransientResourceException(message, state, cause);
    }
}
