package io.pgconn.r2dbc;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A connect at a full server (53300) that gave its borrower back to the pool's queue instead of waiting for a free server
 * slot with it: r2dbc-pool fails an acquire whose connect failed, and {@link PgConnConnectionPool#create()} acquires again
 * for the borrower, who then waits among the pool's pending acquires and takes the next session another borrower
 * releases (before, r2dbc-pool tied it to that connect until the connect gave up, ~0.5 s before {@code maxAcquireTime},
 * while released sessions served the others). Never seen by a borrower: the pool acquires again while any of the
 * borrower's wait is left, and at its end fails with an acquisition timeout that names the server's refusal, the
 * {@link #getCause() cause}. No stack trace: it is a signal, made per refused login.
 */
final class PoolHandBack extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PoolHandBack(Throwable refusal) {
        super("a connect at a full server gave its borrower back to the pool's queue", refusal, false, false);
    }

    /**
     * What a connect the pool starts for a {@link PgConnConnectionPool} borrower knows of it, from the acquire's Reactor
     * Context (reactor-pool subscribes a borrower's connect with the borrower's context): when the borrower's whole wait
     * ends, and the pool's sessions, to give the borrower back when one is idle; and what the connect tells the borrower:
     * the server's last refusal (53300) met on its behalf, which the borrower's acquisition timeout names. A connect
     * without it (a plain r2dbc-pool {@code ConnectionPool}, a warm-up) keeps its borrower and waits for the slot itself,
     * as before.
     */
    record Borrower(long deadlineNanos, PoolIdleSessions sessions, AtomicReference<Throwable> refusal) {
        /** The Context key. */
        static final Class<Borrower> KEY = Borrower.class;

        /** A borrower whose whole wait ends at {@code deadlineNanos} ({@link System#nanoTime}). */
        Borrower(long deadlineNanos, PoolIdleSessions sessions) {
            this(deadlineNanos, sessions, new AtomicReference<>());
        }

        /** A connect for this borrower met the server's {@code refusal} (53300), or waits for a turn after one. */
        void refused(Throwable refusal) {
            this.refusal.set(refusal);
        }

        /** The last refusal a connect met for this borrower; null when none did. */
        Throwable lastRefusal() {
            return this.refusal.get();
        }
    }
}
