package io.pgconn.r2dbc;

import io.pgconn.PgClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Objects;

/**
 * The factory an r2dbc-pool creates its connections with, when the pool has an acquire deadline
 * ({@code maxAcquireTime}): a connect that failed because no host accepted a connection <em>for a reason
 * that passes</em> is tried again, after a short backoff (25 ms, doubling, at most 250 ms), until that
 * deadline, so a server restarting in well under it (a {@code pg_ctl restart -m fast}, a failover's
 * promotion) costs the waiting acquires time, not an error (user13's F4; HikariCP over pgjdbc does the
 * same until its {@code connectionTimeout}). r2dbc-pool's own {@code acquireRetry} retries at once.
 *
 * <p>Reasons that pass ({@link #passes}): the connection was refused or reset, or the connect timed out
 * (no SQLSTATE); the server is starting up (57P03), shutting down or terminated the session (57P01,
 * 57P02; or the session closed while it was being opened); no host had the wanted role yet. The walk's
 * deciding failure counts ({@code ConnectFailures}): a refused password, TLS, configuration, a database
 * or role that does not exist (28, 3D), a connection limit (53300) and every other server error fail at
 * once, as before.
 *
 * <p>The deadline starts when the pool asks for the connection (which is when an acquire that found no
 * idle connection started it), and a try is begun only while at least twice the next backoff is left
 * before it, so the last try's failure, which names each host and its reason, is what the acquire
 * reports rather than the pool's "Connection acquisition timed out" (a try that itself takes longer
 * than what was left still ends in the pool's timeout). Without a deadline (none, zero or negative)
 * {@link #within} returns the factory itself: a connect failure fails the acquire at once, as before.
 */
public final class PgConnPoolCreateRetry implements ConnectionFactory, Wrapped<ConnectionFactory> {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
    static final Duration MAX_BACKOFF = Duration.ofMillis(250);

    private final ConnectionFactory factory;
    private final Duration deadline;

    private PgConnPoolCreateRetry(ConnectionFactory factory, Duration deadline) {
        this.factory = factory;
        this.deadline = deadline;
    }

    /**
     * {@code factory}, its failed connects tried again as above until {@code maxAcquireTime} after each
     * {@code create()}; give the result to {@code ConnectionPoolConfiguration.builder} with the same
     * {@code maxAcquireTime}. {@code factory} itself when {@code maxAcquireTime} is null, zero or negative.
     */
    public static ConnectionFactory within(ConnectionFactory factory, Duration maxAcquireTime) {
        Objects.requireNonNull(factory, "factory");
        if (maxAcquireTime == null || maxAcquireTime.isZero() || maxAcquireTime.isNegative()) {
            return factory;
        }
        return new PgConnPoolCreateRetry(factory, maxAcquireTime);
    }

    @Override
    public Mono<Connection> create() {
        return Mono.defer(() -> attempt(System.nanoTime() + deadline.toNanos(), FIRST_BACKOFF));
    }

    private Mono<Connection> attempt(long deadlineNanos, Duration backoff) {
        return Mono.<Connection>from(factory.create()).onErrorResume(error -> {
            if (!passes(error) || deadlineNanos - System.nanoTime() < 2 * backoff.toNanos()) {
                return Mono.error(error);
            }
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return Mono.delay(backoff).then(Mono.defer(() -> attempt(deadlineNanos, next)));
        });
    }

    /**
     * Whether a connect that failed with {@code error} (as pgconn-r2dbc reports it: the core's failure is
     * its cause, under any wrappers) may succeed if tried again shortly: see the class comment.
     */
    static boolean passes(Throwable error) {
        PgException pg = pgCause(error);
        if (pg == null) {
            return false;
        }
        if (pg instanceof PgClosedException) {
            return true; // the new session ended while it was opened: the server went away just then
        }
        PgException deciding = ConnectFailures.deciding(pg);
        String state = deciding.sqlState().orElse(null);
        if (state != null) {
            return switch (state) {
                case "57P01", "57P02", "57P03" -> true; // shutting down, crash restart, starting up
                default -> false;
            };
        }
        return deciding instanceof PgClosedException
                || deciding instanceof PgConnectException && !ConnectFailures.isLasting(deciding);
    }

    private static PgException pgCause(Throwable error) {
        Throwable current = error;
        for (int depth = 0; depth < 8 && current != null; depth++) {
            if (current instanceof PgException pg) {
                return pg;
            }
            current = current.getCause();
        }
        return null;
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return factory.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return factory;
    }

    @Override
    public String toString() {
        return "PgConnPoolCreateRetry[within " + deadline + ", " + factory + "]";
    }
}
