package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.function.Function;

/**
 * A pgconn session borrowed from an R2DBC pool for {@link PgConnSessions}, and the one place that hands it
 * back: idle, or closed so that the pool drops it (r2dbc-pool does not lend a connection whose
 * {@code validate(LOCAL)} fails, which a closed session's does).
 */
final class BorrowedSession {

    private static final Log logger = LogFactory.getLog(BorrowedSession.class);

    /** The pool's connection to give back; {@code null} for a session lent by an enclosing call ({@link #onJoined}). */
    private final @Nullable Connection pooled;

    private final PgConnection session;

    private final Duration rollbackWait;

    /** Whether a session the steps left idle is checked for a statement still in flight before it goes back. */
    private final boolean checkIdle;

    private BorrowedSession(@Nullable Connection pooled, PgConnection session, Duration rollbackWait, boolean checkIdle) {
        this.pooled = pooled;
        this.session = session;
        this.rollbackWait = rollbackWait;
        this.checkIdle = checkIdle;
    }

    /**
     * Borrows a connection, finds its session with {@code unwrap}, runs {@code steps} with it and hands it
     * back however they end; a rollback not answered within {@code rollbackWait} counts as failed. For steps
     * whose last statement, when they leave the session idle, was answered after everything before it (a
     * COMMIT, a ROLLBACK, a failed BEGIN): nothing can be left in flight then.
     */
    static <T> T lend(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap, Duration rollbackWait,
            Function<? super PgConnection, ? extends T> steps) {
        return lend(connectionFactory, unwrap, rollbackWait, false, steps);
    }

    /**
     * As {@link #lend}, for any work outside a transaction ({@code withSession}): a session it leaves idle with a
     * request of the work still in flight (its own account, {@link PgConnection#nothingInFlight}) is checked by one
     * round trip, bounded by {@code rollbackWait} — a stream left open and unread holds every later statement back
     * for ever, and would so hold the next borrower's; unanswered, the session is closed.
     */
    static <T> T lendForAnyWork(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap,
            Duration rollbackWait, Function<? super PgConnection, ? extends T> steps) {
        return lend(connectionFactory, unwrap, rollbackWait, true, steps);
    }

    private static <T> T lend(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap, Duration rollbackWait,
            boolean checkIdle, Function<? super PgConnection, ? extends T> steps) {
        return borrow(connectionFactory, unwrap, rollbackWait, checkIdle).run(steps);
    }

    /**
     * As {@link #lend}, on {@code session}, which an enclosing {@code withSession} on this thread borrowed and hands
     * back itself ({@code inTransaction} inside its work, session 24): the steps' transaction is rolled back when it is
     * still open after them, and a session whose rollback did not leave it idle is closed (the enclosing call's
     * hand-back then gives it to the pool closed, which drops it); nothing is given back here.
     */
    static <T> T onJoined(PgConnection session, Duration rollbackWait, Function<? super PgConnection, ? extends T> steps) {
        return new BorrowedSession(null, session, rollbackWait, false).run(steps);
    }

    private <T> T run(Function<? super PgConnection, ? extends T> steps) {
        Throwable failure = null;
        try {
            return steps.apply(this.session);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            handBack(failure);
        }
    }

    private static BorrowedSession borrow(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap,
            Duration rollbackWait, boolean checkIdle) {
        long start = System.nanoTime();
        Connection pooled;
        try {
            pooled = Mono.from(connectionFactory.create()).block();
        } catch (RuntimeException failed) { // as a core exception, as everything else PgConnSessions throws
            throw SessionBorrowFailure.of(failed, connectionFactory, Duration.ofNanos(System.nanoTime() - start));
        }
        if (pooled == null) {
            throw new IllegalStateException("the R2DBC ConnectionFactory " + connectionFactory + " lent no connection");
        }
        try {
            return new BorrowedSession(pooled, unwrap.apply(pooled), rollbackWait, checkIdle);
        } catch (RuntimeException notPgconn) { // PgConnUnwrap names each wrapper's class
            release(pooled);
            throw notPgconn;
        }
    }

    /**
     * Rolls back a transaction still open — the work failed, its commit did not end it, or the work of
     * {@code withSession} began one and left it, awaited or not — then gives the connection back to the pool (when it
     * was borrowed here); a session whose rollback did not leave it idle is closed first. A rollback's failure is attached to
     * {@code failure} as suppressed. An interrupt the work left set does not cut the hand-back's bounded waits short
     * (a healthy session was closed for it); the flag is set again afterwards, for the caller.
     */
    private void handBack(Throwable failure) {
        boolean interrupted = Thread.interrupted();
        try {
            if (this.checkIdle && isIdle()) {
                checkNothingInFlight(failure);
            }
            // read again after the check (AUDIT-13 L3): a BEGIN the work submitted without waiting leaves the status
            // idle at its return, and the check is answered inside the transaction that opened meanwhile
            if (!this.session.isClosed() && this.session.transactionStatus() != TransactionStatus.IDLE) {
                if (failure == null) {
                    logger.warn("pgconn: work in PgConnSessions.withSession returned with a transaction open on "
                            + this.session + "; it is rolled back (use inTransaction to commit)");
                }
                rollBack(failure);
            }
        } finally {
            if (this.pooled != null) {
                release(this.pooled);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean isIdle() {
        return !this.session.isClosed() && this.session.transactionStatus() == TransactionStatus.IDLE;
    }

    /**
     * One round trip behind whatever the work submitted: answered — an error of the server's included (the work
     * left a transaction failed, which the hand-back then rolls back) — nothing of it is in flight any more; not
     * answered within {@code rollbackWait}, or failed otherwise, the session is closed (which ends the stream or
     * statement) instead of going back to the pool with it. Reported on {@code failure} as suppressed, else as a
     * WARN: the work's own statements that were answered took effect, and its result stands.
     */
    private void checkNothingInFlight(Throwable failure) {
        if (answeredEverything()) {
            return;
        }
        try {
            CoreFutureWait.awaitAtMost(this.session.simpleQuery("SELECT 1"), this.rollbackWait, () -> "the check that "
                    + this.session + " has nothing of the work in flight (a statement of the work still running, or a"
                    + " stream it left open and unread?)", ": the session is closed", () -> { });
        } catch (PgServerException answered) {
            // 25P02 in a transaction the work began without waiting and failed: answered, so nothing is in flight
        } catch (RuntimeException notIdle) {
            invalidate();
            if (failure != null) {
                failure.addSuppressed(notIdle);
            } else {
                logger.warn("pgconn: after PgConnSessions.withSession's work, " + notIdle.getMessage(), notIdle);
            }
        }
    }

    /**
     * Whether the session itself knows that every request the work made has its ReadyForQuery
     * ({@link PgConnection#nothingInFlight}: asked on its event loop, no round trip) — the usual case, in which the
     * {@code SELECT 1} check is not needed. NEW-USER-25: that check doubled the round trips of every short
     * {@code withSession} (a one-row read on virtual threads: p50 1.72 ms against pgjdbc + Hikari's 0.22 ms). A
     * request still in flight (a stream left open, a BEGIN not awaited) leaves the check to do.
     */
    private boolean answeredEverything() {
        try {
            return CoreFutureWait.awaitAtMost(this.session.nothingInFlight(), this.rollbackWait,
                    () -> "whether " + this.session + " has answered everything of the work");
        } catch (RuntimeException unknown) {
            return false; // the check that follows decides, and closes the session if it is not answered either
        }
    }

    private void rollBack(Throwable failure) {
        boolean idle = false;
        try {
            // bounded: a statement the work left running, or a stream it left open and unread, holds the
            // ROLLBACK back (for ever, for the stream); the session is then closed, which ends both
            CoreFutureWait.awaitAtMost(this.session.rollback(), this.rollbackWait, () -> "ROLLBACK on " + this.session
                    + " (a statement of the work still running, or a stream it left open and unread?)");
            idle = this.session.transactionStatus() == TransactionStatus.IDLE;
        } catch (RuntimeException rollbackFailure) {
            if (failure != null) {
                failure.addSuppressed(rollbackFailure);
            } else {
                logger.warn("pgconn: rollback on " + this.session + " failed; the session is closed", rollbackFailure);
            }
        } finally {
            if (!idle) {
                invalidate();
            }
        }
    }

    /** Closes the session, so that the pool drops it when it comes back instead of lending it again. */
    private void invalidate() {
        invalidate(this.session);
    }

    /**
     * Closes {@code session}, so that the pool drops it when it comes back instead of lending it again: its state
     * is unknown (a transaction-control statement went unanswered). A transaction still open ends with it.
     */
    static void invalidate(PgConnection session) {
        try {
            session.close().join();
        } catch (RuntimeException closeFailure) {
            logger.debug("pgconn: closing " + session + " failed", closeFailure);
        }
    }

    private static void release(Connection pooled) {
        try {
            Mono.from(pooled.close()).block();
        } catch (RuntimeException releaseFailure) {
            logger.warn("pgconn: giving " + pooled + " back to its pool failed", releaseFailure);
        }
    }
}
