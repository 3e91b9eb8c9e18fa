package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.PgException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Mono;
import reactor.pool.AllocationStrategy;
import reactor.pool.PoolBuilder;
import reactor.pool.PoolConfig;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The factory an r2dbc-pool creates its connections with, when the pool has an acquire deadline
 * ({@code maxAcquireTime}): a connect that failed because no host accepted a connection <em>for a reason
 * that passes</em> is tried again, after a short backoff (25 ms, doubling, at most 250 ms), until that
 * deadline, so a server restarting in well under it (a {@code pg_ctl restart -m fast}, a failover's
 * promotion) costs the waiting acquires time, not an error (user13's F4; HikariCP over pgjdbc does the
 * same until its {@code connectionTimeout}). r2dbc-pool's own {@code acquireRetry} retries at once.
 *
 * <p>Reasons that pass are the core's {@link ConnectFailures#isWorthRetryingSoon} (the walk's deciding
 * failure counts): the connection was refused or reset, or the connect timed out (no SQLSTATE); the server
 * is starting up (57P03), shutting down or terminated the session (57P01, 57P02; or the session closed
 * while it was being opened); no host had the wanted role yet — and {@link ConnectFailures#isNoFreeSlot}: the
 * server is at a connection limit (53300: {@code max_connections}, a role's or database's
 * {@code CONNECTION LIMIT}), so the acquire waits for a slot another client frees, and fails with the 53300 at its
 * deadline. Paced per pool, not per waiting connect (a refused login is a fork on a server that is already full;
 * NEW-USER-13 F1's login storm, NEW-USER-19 F12's refusals growing with the pool's headroom): while the last connect
 * ended in 53300, every connect of this pool, a refused one trying again or a new one, waits for the pool's next login
 * turn, turns 250 ms apart, so the pool logs in once per 250 ms however many acquires wait; the first connect that
 * ends otherwise ends the pacing. A session released to the pool meanwhile does not end that wait: r2dbc-pool gives
 * an acquire whose connect it started only that connect; {@link #growthAtAFullServer} keeps the pool from starting
 * other connects meanwhile, so the other acquires wait for released sessions instead. A refused
 * password, TLS, configuration, a database or role that does not exist (28, 3D) and every other server error
 * fail at once, as before.
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
    /** The last connect's 53300 while the server has no free slot; null once a connect ended otherwise. */
    private volatile Throwable lastRefusal;
    /** While {@link #lastRefusal} is set: when this pool's next login may start ({@link System#nanoTime}). */
    private final AtomicLong nextLoginNanos = new AtomicLong(System.nanoTime());
    /** This pool's connects under way (waiting for a turn or logging in). */
    private final AtomicInteger creating = new AtomicInteger();

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

    /**
     * The part of a {@code ConnectionPoolConfiguration.Builder#customizer} that keeps a pool from growing while the
     * server has no free slot: while the last connect of {@code poolFactory} (a {@link #within} result) ended in 53300
     * and one of its connects is waiting for or making its login, the pool starts no other, so an acquire that finds no
     * idle connection waits for one another borrower releases (up to its {@code maxAcquireTime}) instead of being tied to
     * a connect that waits for a slot; otherwise the pool grows as r2dbc-pool does, between {@code minSize} (r2dbc-pool's
     * larger of {@code minIdle} and {@code initialSize}) and {@code maxSize} (-1: no limit). Does nothing when
     * {@code poolFactory} is not a {@link #within} result (no deadline: nothing waits).
     */
    public static Consumer<PoolBuilder<Connection, ? extends PoolConfig<? extends Connection>>> growthAtAFullServer(
            ConnectionFactory poolFactory, int minSize, int maxSize) {
        if (!(poolFactory instanceof PgConnPoolCreateRetry creates)) {
            return poolBuilder -> { };
        }
        int max = maxSize == -1 ? Integer.MAX_VALUE : maxSize;
        return poolBuilder -> poolBuilder.allocationStrategy(new PoolGrowthAtAFullServer(sizeBetween(minSize, max), creates));
    }

    /** reactor-pool's own strategy for {@code sizeBetween(min, max)}, as r2dbc-pool would set it (read off an unused pool). */
    private static AllocationStrategy sizeBetween(int min, int max) {
        return PoolBuilder.from(Mono.<Object>never()).sizeBetween(min, max).buildPool().config().allocationStrategy();
    }

    /** Whether the pool should start no other connect now: the server has no free slot and one is under way. */
    boolean holdsGrowth() {
        return lastRefusal != null && creating.get() > 0;
    }

    @Override
    public Mono<Connection> create() {
        return Mono.defer(() -> {
            long deadlineNanos = System.nanoTime() + deadline.toNanos();
            Throwable refusal = lastRefusal;
            return refusal == null ? attempt(deadlineNanos, FIRST_BACKOFF) : afterTurn(deadlineNanos, refusal, false);
        }).doOnSubscribe(subscription -> creating.incrementAndGet()).doFinally(signal -> creating.decrementAndGet());
    }

    private Mono<Connection> attempt(long deadlineNanos, Duration backoff) {
        return Mono.<Connection>from(factory.create()).doOnNext(connection -> lastRefusal = null).onErrorResume(error -> {
            if (isNoFreeSlot(error)) {
                lastRefusal = error;
                return afterTurn(deadlineNanos, error, true);
            }
            lastRefusal = null;
            if (!passes(error) || deadlineNanos - System.nanoTime() < 2 * backoff.toNanos()) {
                return Mono.error(error);
            }
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return Mono.delay(backoff).then(Mono.defer(() -> attempt(deadlineNanos, next)));
        });
    }

    /**
     * The server has no free slot: log in again at the pool's next turn (turns {@link #MAX_BACKOFF} apart, shared by
     * every connect of this pool, the first one {@code MAX_BACKOFF} after {@code refused} came back when this connect
     * was itself refused), or fail with {@code refusal} when that turn leaves less than twice the spacing before the
     * deadline (a new connect, which found the server full, waits until then first, as a refused one would have).
     */
    private Mono<Connection> afterTurn(long deadlineNanos, Throwable refusal, boolean refusedNow) {
        long now = System.nanoTime();
        long spacing = MAX_BACKOFF.toNanos();
        long turn;
        while (true) {
            long next = nextLoginNanos.get();
            turn = Math.max(refusedNow ? now + spacing : now, next);
            if (deadlineNanos - turn < 2 * spacing) {
                // no turn left for this connect: it fails with the server's 53300, a new one near its deadline
                long left = deadlineNanos - 2 * spacing - now;
                return refusedNow || left <= 0 ? Mono.error(refusal)
                        : Mono.delay(Duration.ofNanos(left)).then(Mono.error(refusal));
            }
            if (nextLoginNanos.compareAndSet(next, turn + spacing)) {
                break;
            }
        }
        return Mono.delay(Duration.ofNanos(turn - now)).then(Mono.defer(() -> attempt(deadlineNanos, FIRST_BACKOFF)));
    }

    private static boolean isNoFreeSlot(Throwable error) {
        PgException pg = pgCause(error);
        return pg != null && ConnectFailures.isNoFreeSlot(pg);
    }

    /**
     * Whether a connect that failed with {@code error} (as pgconn-r2dbc reports it: the core's failure is
     * its cause, under any wrappers) may succeed if tried again shortly ({@link ConnectFailures#isWorthRetryingSoon}),
     * or once a slot is free ({@link ConnectFailures#isNoFreeSlot}).
     */
    static boolean passes(Throwable error) {
        PgException pg = pgCause(error);
        return pg != null && (ConnectFailures.isWorthRetryingSoon(pg) || ConnectFailures.isNoFreeSlot(pg));
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
