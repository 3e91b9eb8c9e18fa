package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.PgTimeoutException;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What {@link PgConnSessions} throws when the pool lends no session (NEW-USER-20 F3): a core {@link PgException},
 * as for everything else it does, never the R2DBC SPI exception the pool reports it with — so a Spring MVC
 * application's {@code catch (PgException e)} or {@code @ExceptionHandler(PgException.class)} sees an outage too.
 * <ul>
 * <li>The pool's connect failed: the core's failure under the R2DBC exception, as the core threw it (a
 *     {@code PgConnectException} naming each host and its reason, {@code PgTlsException},
 *     {@code PgAuthenticationException}, a {@code PgServerException} with the server's SQLSTATE ...).</li>
 * <li>The pool's acquire timed out ({@code pg.conn.pool.max-acquire-time}, tried 1 + {@code acquire-retry} times):
 *     a {@link PgTimeoutException} that says how long this borrow waited (r2dbc-pool's "timed out after 3000ms"
 *     is one try's), what the pool held then (lent out, at most, idle, waiting: a pool whose sessions are all
 *     lent out waits for a borrower to finish; one with room waits for its connects) and what the factory last
 *     learned of each host; the R2DBC exception is its cause. Also when the pool's borrower waited at a full server
 *     (a {@code PgConnConnectionPool}'s timeout whose cause is the server's 53300, docs/r2dbc.md §4): the timeout's
 *     message, which names the pool, the wait and the refusal, follows "no session from the pool within N ms: ".</li>
 * </ul>
 * Any other failure (the pool closed with the application, a connection factory that is not pgconn's) is thrown
 * as it is.
 *
 * <p>A connect's failure is thrown as the object the core made, on the event loop: its stack has no frame of the
 * borrowing thread (REVIEW-20 S3). Decision: kept so — its class is what a caller catches
 * ({@code PgAuthenticationException}, {@code PgTlsException} ...), and r2dbc-pool may fail several waiting borrows with
 * the one object, so attaching each borrower's frame to it (as suppressed) would grow it per borrower; the message
 * names the host and the reason, which is what the frame would have located.
 */
final class SessionBorrowFailure {

    /** Deeper than any real stack of wrappers or causes; guards against a loop. */
    private static final int MAX_LEVELS = 32;

    private SessionBorrowFailure() {
    }

    /** {@code failure} of a borrow from {@code connectionFactory} that waited {@code waited}, as {@link PgConnSessions} throws it. */
    static RuntimeException of(RuntimeException failure, Object connectionFactory, Duration waited) {
        PgException core = coreCause(failure);
        if (core != null && failure instanceof R2dbcTimeoutException && !(core instanceof PgTimeoutException)) {
            // a PgConnConnectionPool's borrower that waited its whole wait at a full server: its timeout names the pool,
            // the wait, the server's refusal (its cause, 53300) and the pool's figures — a timeout, not that refusal
            return new PgTimeoutException(null, "no session from the pool within " + waited.toMillis() + " ms: "
                    + failure.getMessage(), failure);
        }
        if (core != null) {
            return core;
        }
        if (!isTimeout(failure)) {
            return failure;
        }
        ConnectionPool pool = pool(connectionFactory);
        // a PgConnConnectionPool's timeout already names the pool's figures and the hosts: r2dbc-pool's own words here
        String perTry = pool instanceof PgConnConnectionPool && failure.getCause() instanceof R2dbcTimeoutException own
                ? own.getMessage() : failure.getMessage();
        StringBuilder message = new StringBuilder("no session from the pool within ").append(waited.toMillis())
                .append(" ms (").append(perTry).append(" per try; pg.conn.pool.max-acquire-time and")
                .append(" acquire-retry bound the wait)");
        PgConnectionFactory factory = PgConnUnwrap.driverFactory(connectionFactory)
                .map(PgConnR2dbcConnectionFactory::pgConnectionFactory).orElse(null);
        if (factory != null) {
            message.append(": ").append(PgConnConnectionPool.state(pool, factory));
        }
        return new PgTimeoutException(null, message.toString(), failure);
    }

    private static @Nullable PgException coreCause(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; depth < MAX_LEVELS && current != null; depth++) {
            if (current instanceof PgException core) {
                return core;
            }
            current = current.getCause();
        }
        return null;
    }

    private static boolean isTimeout(Throwable failure) {
        return failure instanceof R2dbcTimeoutException || failure.getCause() instanceof TimeoutException;
    }

    /** The pool itself or the pool a wrapper (e.g. a proxy) wraps. */
    private static @Nullable ConnectionPool pool(Object connectionFactory) {
        Object current = connectionFactory;
        for (int level = 0; level < MAX_LEVELS && current != null; level++) {
            if (current instanceof ConnectionPool pool) {
                return pool;
            }
            current = current instanceof Wrapped<?> wrapped ? wrapped.unwrap() : null;
        }
        return null;
    }
}
