package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.PgException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.pool.AllocationStrategy;
import reactor.pool.PoolBuilder;
import reactor.pool.PoolConfig;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * deadline (a {@link PgConnConnectionPool}'s borrower with a timeout naming it: below). Paced per pool, not per waiting
 * connect (a refused login is a fork on a server that is already full; NEW-USER-13 F1's login storm, NEW-USER-19 F12's
 * refusals growing with the pool's headroom): while the last connect ended in 53300, every connect of this pool, a
 * refused one trying again or a new one, waits for the pool's next login turn, turns 250 ms apart and each held for as
 * long as its login takes ({@link #atTurn}), so the pool logs in once per 250 ms at most, one login at a time, however
 * many acquires wait; the first connect that ends otherwise ends the pacing. r2dbc-pool ties an acquire to the connect
 * it started, so a connect refused for a {@link PgConnConnectionPool}'s borrower (the acquire's Reactor Context says
 * so) does not wait for the slot with it: it gives the borrower back to the pool's queue ({@link PoolHandBack}), where
 * the next session another borrower releases serves it, and the pool's next connect waits for the turn (giving its
 * borrower back too when a release leaves a session idle); {@link #growthAtAFullServer} lets the pool start one
 * connect at a time meanwhile. A refused
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
    /** A granted connect begins within milliseconds (reactor-pool subscribes it on its allocation thread). */
    static final Duration GRANT_UNUSED_AFTER = Duration.ofSeconds(1);
    /** The end of a login that took no turn of the pool's (the server was not known to be full when it began). */
    private static final Runnable NOT_A_TURN = () -> { };

    private final ConnectionFactory factory;
    private final Duration deadline;
    /** The last connect's 53300 while the server has no free slot; null once a connect ended otherwise. */
    private volatile Throwable lastRefusal;
    /** While {@link #lastRefusal} is set: when this pool's next login may start ({@link System#nanoTime}). */
    private final AtomicLong nextLoginNanos = new AtomicLong(System.nanoTime());
    /** This pool's connects under way (waiting for a turn or logging in). */
    private final AtomicInteger creating = new AtomicInteger();
    /**
     * While the server has no free slot: when the pool's allocation granted a connect that has not begun yet
     * ({@link System#nanoTime}; 0: none). A grant not begun within {@link #GRANT_UNUSED_AFTER} is taken as unused (its
     * borrower went away): reactor-pool gives an unused grant back through {@code returnPermits}, which it also calls at
     * every destroyed session, so the strategy cannot tell the two apart there (REVIEW-24 R24-7).
     */
    private final AtomicLong grantedAtNanos = new AtomicLong();
    /** While the server has no free slot: the login that took the pool's turn, until it ended ({@link #atTurn}); else null. */
    private final AtomicReference<LoginTurn> loginUnderway = new AtomicReference<>();

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
     * server has no free slot: while the last connect of {@code poolFactory} (a {@link #within} result) ended in 53300,
     * the pool starts one connect at a time (none while one is waiting for or making its login, or granted and not yet
     * begun), so an acquire that finds no idle connection waits for one another borrower releases (up to its
     * {@code maxAcquireTime}) instead of being tied to a connect of its own; otherwise the pool grows as r2dbc-pool
     * does, between {@code minSize} (r2dbc-pool's
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

    /**
     * Whether the pool should start no other connect now: the server has no free slot and one of the pool's connects is
     * under way, or was granted and not yet begun (reactor-pool subscribes a granted connect on another thread).
     */
    boolean holdsGrowth() {
        return lastRefusal != null && (creating.get() > 0 || grantPending(grantedAtNanos.get()));
    }

    private static boolean grantPending(long grantedAt) {
        return grantedAt != 0 && System.nanoTime() - grantedAt < GRANT_UNUSED_AFTER.toNanos();
    }

    /**
     * For the pool's allocation, while the server has no free slot ({@link #atAFullServer}): whether it may start one
     * connect now (none under way or granted), which is then counted as granted until it begins, or for
     * {@link #GRANT_UNUSED_AFTER} if it never does.
     */
    boolean grantOneAtAFullServer() {
        if (creating.get() > 0) {
            return false;
        }
        long grantedAt = grantedAtNanos.get();
        return !grantPending(grantedAt) && grantedAtNanos.compareAndSet(grantedAt, Math.max(1, System.nanoTime()));
    }

    /** The allocation's grant at a full server came to nothing (the pool had no permit left): the pool may grant again. */
    void grantUnused() {
        grantedAtNanos.set(0);
    }

    /** Whether the server had no free slot at this pool's last connect. */
    boolean atAFullServer() {
        return lastRefusal != null;
    }

    @Override
    public Mono<Connection> create() {
        return Mono.deferContextual(context -> {
            // a PgConnConnectionPool's borrower: its whole wait's end, and the pool's sessions (PoolHandBack)
            PoolHandBack.Borrower borrower = context.getOrDefault(PoolHandBack.Borrower.KEY, null);
            long deadlineNanos = System.nanoTime() + deadline.toNanos();
            if (borrower != null && borrower.deadlineNanos() - deadlineNanos < 0) {
                deadlineNanos = borrower.deadlineNanos();
            }
            creating.incrementAndGet();
            grantedAtNanos.set(0); // a granted connect began
            AtomicBoolean ended = new AtomicBoolean();
            // counted off before the outcome goes on: a borrower given back acquires again at once, and the pool's
            // allocation must see this connect ended then, or it holds its growth with nothing under way
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    creating.decrementAndGet();
                }
            };
            Throwable refusal = lastRefusal;
            Mono<Connection> connect = refusal == null ? attempt(deadlineNanos, FIRST_BACKOFF, borrower, NOT_A_TURN)
                    : afterTurn(deadlineNanos, refusal, false, borrower);
            return connect.doOnTerminate(end).doOnCancel(end);
        });
    }

    /**
     * One login, tried again after {@code backoff} when it failed for a reason that passes. {@code turnEnded} is told
     * when the login ended (or was cancelled): it ends the pool's turn the login took ({@link #atTurn}), after a refusal
     * no sooner than the pool's next turn is set a spacing after it.
     */
    private Mono<Connection> attempt(long deadlineNanos, Duration backoff, PoolHandBack.Borrower borrower, Runnable turnEnded) {
        return Mono.<Connection>from(factory.create()).doOnNext(connection -> {
            lastRefusal = null;
            turnEnded.run();
        }).onErrorResume(error -> {
            if (isNoFreeSlot(error)) {
                lastRefusal = error;
                // the pool's next login no sooner than a spacing after this refusal came back
                long earliest = System.nanoTime() + MAX_BACKOFF.toNanos();
                nextLoginNanos.accumulateAndGet(earliest, (next, e) -> next - e < 0 ? e : next);
                turnEnded.run();
                return afterTurn(deadlineNanos, error, true, borrower);
            }
            lastRefusal = null;
            turnEnded.run();
            if (!passes(error) || deadlineNanos - System.nanoTime() < 2 * backoff.toNanos()) {
                return Mono.error(error);
            }
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return Mono.delay(backoff).then(Mono.defer(() -> attempt(deadlineNanos, next, borrower, NOT_A_TURN)));
        }).doFinally(signal -> turnEnded.run());
    }

    /**
     * The server has no free slot. A connect refused for a {@link PgConnConnectionPool}'s borrower gives the borrower back
     * to the pool's queue ({@link PoolHandBack}): it takes the next session another borrower releases, and the pool starts
     * its next connect for whoever waits then. Otherwise: log in again at the pool's next turn (turns {@link #MAX_BACKOFF}
     * apart, shared by every connect of this pool, the first one {@code MAX_BACKOFF} after a refusal came back, and none
     * while another login of the pool is under way: {@link #atTurn}) — a borrower's connect gives its borrower back
     * instead when a session is idle with no other borrower waiting before that turn. A borrower's connect takes any turn
     * before the borrower's deadline; with none left it waits for an idle session until then and gives its borrower back
     * (whose acquire then ends in an acquisition timeout naming the refusal, never the bare 53300: HikariCP's borrower
     * also waits its whole {@code connectionTimeout} and fails with a timeout whose cause is the last connect's failure).
     * Any other connect fails with {@code refusal} when its turn leaves less than twice the spacing before its deadline (a
     * new connect, which found the server full, waits until then first, as a refused one would have).
     */
    private Mono<Connection> afterTurn(long deadlineNanos, Throwable refusal, boolean refusedNow, PoolHandBack.Borrower borrower) {
        long now = System.nanoTime();
        long spacing = MAX_BACKOFF.toNanos();
        if (borrower != null) {
            borrower.refused(refusal);
            if (refusedNow) {
                return Mono.error(new PoolHandBack(refusal));
            }
        }
        Mono<Boolean> sessionIdle = borrower == null ? Mono.never() : borrower.sessions().nextIdle().thenReturn(true);
        // a borrower's connect logs in at any turn before the deadline; another one needs twice the spacing left
        long margin = borrower == null ? 2 * spacing : 0;
        long turn;
        while (true) {
            long next = nextLoginNanos.get();
            turn = Math.max(refusedNow ? now + spacing : now, next);
            if (deadlineNanos - turn <= margin) {
                if (borrower != null) {
                    // no turn left for the borrower's connect: the borrower waits for a released session until its end
                    long left = Math.max(0, deadlineNanos - now);
                    return Mono.firstWithSignal(Mono.delay(Duration.ofNanos(left)).thenReturn(false), sessionIdle)
                            .flatMap(idle -> Mono.error(new PoolHandBack(refusal)));
                }
                // no turn left for this connect: it fails with the server's 53300, a new one near its deadline
                long left = deadlineNanos - margin - now;
                if (refusedNow || left <= 0) {
                    return Mono.error(refusal);
                }
                return Mono.delay(Duration.ofNanos(left)).then(Mono.error(refusal));
            }
            if (nextLoginNanos.compareAndSet(next, turn + spacing)) {
                break;
            }
        }
        return Mono.firstWithSignal(Mono.delay(Duration.ofNanos(turn - now)).thenReturn(false), sessionIdle)
                .flatMap(idle -> idle || (borrower != null && borrower.sessions().idleUnclaimed())
                        ? Mono.error(new PoolHandBack(refusal))
                        : atTurn(deadlineNanos, refusal, borrower));
    }

    /**
     * A connect's turn at a full server: its login begins now unless another login of the pool is still under way —
     * one that takes longer than the spacing (a slow TLS handshake or SCRAM exchange on a loaded server), or one of two
     * connects the pool's allocation let begin together (a grant reactor-pool began more than
     * {@link #GRANT_UNUSED_AFTER} late: the growth hold had expired and granted another). Then this connect waits for
     * that login's end (a borrower's is given back meanwhile if a session becomes idle) and takes the pool's next turn.
     * So the turn holds for as long as the login really takes: at a full server at most one login of the pool is under
     * way at a time, however many connects wait. A login holds the turn no longer than its own deadline, so one that
     * hangs does not stop the pool's logins for good.
     */
    private Mono<Connection> atTurn(long deadlineNanos, Throwable refusal, PoolHandBack.Borrower borrower) {
        return Mono.defer(() -> {
            long now = System.nanoTime();
            LoginTurn mine = new LoginTurn(deadlineNanos);
            LoginTurn underway = loginUnderway.get();
            if ((underway == null || underway.deadlineNanos - now <= 0) && loginUnderway.compareAndSet(underway, mine)) {
                return attempt(deadlineNanos, FIRST_BACKOFF, borrower, () -> {
                    if (loginUnderway.compareAndSet(mine, null)) {
                        mine.ended.tryEmitEmpty();
                    }
                });
            }
            LoginTurn other = underway != null ? underway : loginUnderway.get();
            if (other == null) {
                return afterTurn(deadlineNanos, refusal, false, borrower); // it ended meanwhile: the next turn
            }
            long until = Math.max(0, Math.min(deadlineNanos, other.deadlineNanos) - now);
            Mono<Boolean> sessionIdle = borrower == null ? Mono.never() : borrower.sessions().nextIdle().thenReturn(true);
            return Mono.firstWithSignal(other.ended.asMono().thenReturn(false),
                            Mono.delay(Duration.ofNanos(until)).thenReturn(false), sessionIdle)
                    .flatMap(idle -> idle ? Mono.error(new PoolHandBack(refusal))
                            : afterTurn(deadlineNanos, refusal, false, borrower));
        });
    }

    /** A login that took the pool's turn at a full server: its end, and the deadline after which it holds the turn no more. */
    private static final class LoginTurn {
        final Sinks.Empty<Void> ended = Sinks.empty();
        final long deadlineNanos;

        LoginTurn(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }
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
