package io.pgconn.r2dbc;

/**
 * A connect at a full server (53300) that gave its borrower back to the pool's queue instead of waiting for a free server
 * slot with it: r2dbc-pool fails an acquire whose connect failed, and {@link PgConnConnectionPool#create()} acquires again
 * for the borrower, who then waits among the pool's pending acquires and takes the next session another borrower
 * releases (before, r2dbc-pool tied it to that connect until the connect gave up, ~0.5 s before {@code maxAcquireTime},
 * while released sessions served the others). Never seen by a borrower: the pool acquires again, or, with no time left,
 * fails with the server's refusal, the {@link #getCause() cause}. No stack trace: it is a signal, made per refused login.
 */
final class PoolHandBack extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean sessionIdle;

    /** {@code sessionIdle}: given back because the pool has a session idle (not after a refusal of its own). */
    PoolHandBack(Throwable refusal, boolean sessionIdle) {
        super("a connect at a full server gave its borrower back to the pool's queue", refusal, false, false);
        this.sessionIdle = sessionIdle;
    }

    /** Whether the pool had a session idle with no other borrower waiting when the borrower was given back. */
    boolean sessionIdle() {
        return sessionIdle;
    }

    /**
     * What a connect the pool starts for a {@link PgConnConnectionPool} borrower knows of it, from the acquire's Reactor
     * Context (reactor-pool subscribes a borrower's connect with the borrower's context): when the borrower's whole wait
     * ends, and the pool's sessions, to give the borrower back when one is idle. A connect without it (a plain r2dbc-pool
     * {@code ConnectionPool}, a warm-up) keeps its borrower and waits for the slot itself, as before.
     */
    record Borrower(long deadlineNanos, PoolIdleSessions sessions) {
        /** The Context key. */
        static final Class<Borrower> KEY = Borrower.class;
    }
}
