package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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

    private final Connection pooled;

    private final PgConnection session;

    private final Duration rollbackWait;

    private BorrowedSession(Connection pooled, PgConnection session, Duration rollbackWait) {
        this.pooled = pooled;
        this.session = session;
        this.rollbackWait = rollbackWait;
    }

    /**
     * Borrows a connection, finds its session with {@code unwrap}, runs {@code steps} with it and hands it
     * back however they end; a rollback not answered within {@code rollbackWait} counts as failed.
     */
    static <T> T lend(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap, Duration rollbackWait,
            Function<? super PgConnection, ? extends T> steps) {
        BorrowedSession borrowed = borrow(connectionFactory, unwrap, rollbackWait);
        Throwable failure = null;
        try {
            return steps.apply(borrowed.session);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            borrowed.handBack(failure);
        }
    }

    private static BorrowedSession borrow(ConnectionFactory connectionFactory, Function<Connection, PgConnection> unwrap,
            Duration rollbackWait) {
        Connection pooled = Mono.from(connectionFactory.create()).block();
        if (pooled == null) {
            throw new IllegalStateException("the R2DBC ConnectionFactory " + connectionFactory + " lent no connection");
        }
        try {
            return new BorrowedSession(pooled, unwrap.apply(pooled), rollbackWait);
        } catch (RuntimeException notPgconn) { // PgConnUnwrap names each wrapper's class
            release(pooled);
            throw notPgconn;
        }
    }

    /**
     * Rolls back a transaction still open — the work failed, its commit did not end it, or the work of
     * {@code withSession} began one and left it — then gives the connection back to the pool; a session
     * whose rollback did not leave it idle is closed first. A rollback's failure is attached to
     * {@code failure} as suppressed.
     */
    private void handBack(Throwable failure) {
        try {
            if (!this.session.isClosed() && this.session.transactionStatus() != TransactionStatus.IDLE) {
                if (failure == null) {
                    logger.warn("pgconn: work in PgConnSessions.withSession returned with a transaction open on "
                            + this.session + "; it is rolled back (use inTransaction to commit)");
                }
                rollBack(failure);
            }
        } finally {
            release(this.pooled);
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
