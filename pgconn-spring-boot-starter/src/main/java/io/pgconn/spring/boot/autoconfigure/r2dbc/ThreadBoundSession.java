package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The session a {@link PgConnSessions#withSession} (or {@code withOwnSession}) borrowed and lends to its work on this
 * thread, one per {@link ConnectionFactory}, so that a {@code withSession} called again inside that work joins it
 * instead of borrowing a second session from the same pool: with every session lent to a caller that waits for a
 * second one, that was a pool deadlock, for ever under the default {@code pg.conn.pool.max-acquire-time} of 0 (a pool
 * of one: the first nested call), and the nested work did not see the outer work's uncommitted writes. An
 * {@code inTransaction} inside that work runs its transaction on it too (session 24), for the same reason. The innermost
 * borrowing call is the one bound: a {@code withOwnSession} inside binds its own session for its work, and the outer
 * one is bound again after it.
 */
final class ThreadBoundSession {

    private static final ThreadLocal<Map<ConnectionFactory, PgConnection>> BOUND = new ThreadLocal<>();

    private ThreadBoundSession() {
    }

    /** The session a {@code withSession} over {@code connectionFactory} lends to its work on this thread, if any. */
    static @Nullable PgConnection current(ConnectionFactory connectionFactory) {
        Map<ConnectionFactory, PgConnection> bound = BOUND.get();
        return bound == null ? null : bound.get(connectionFactory);
    }

    /** Runs {@code work} on {@code session} with the session bound to this thread for {@code connectionFactory}. */
    static <T> T lendBound(ConnectionFactory connectionFactory, PgConnection session, Function<? super PgConnection, ? extends T> work) {
        Map<ConnectionFactory, PgConnection> bound = BOUND.get();
        if (bound == null) {
            bound = new IdentityHashMap<>();
            BOUND.set(bound);
        }
        PgConnection previous = bound.put(connectionFactory, session);
        try {
            return work.apply(session);
        } finally {
            if (previous != null) {
                bound.put(connectionFactory, previous);
            } else {
                bound.remove(connectionFactory);
                if (bound.isEmpty()) {
                    BOUND.remove();
                }
            }
        }
    }
}
