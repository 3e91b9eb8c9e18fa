package io.pgconn.r2dbc;

import io.pgconn.ErrorMessageLines;
import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcTimeoutException;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * r2dbc-pool's {@link ConnectionPool} whose acquisition timeout says why: r2dbc-pool's own is "Connection acquisition
 * timed out after 3000ms" and nothing else, while the pool and the factory know whether every session was lent out (a
 * slow borrower, a small pool) or the connects failed (an outage: which host, what error). An acquire that times out
 * fails with an {@link R2dbcTimeoutException} (same class, SQLSTATE and error code, r2dbc-pool's as its cause) whose
 * message adds what the pool held then and what the factory last learned of each host, e.g. "Connection acquisition
 * timed out after 3000ms: the pool had 0 session(s) lent out of at most 10, 0 idle, 4 borrower(s) waiting; hosts
 * (what the factory last learned, target_session_attrs=read-write): db1:5432 down at ...: connection refused;
 * db2:5432 up (standby) at ..." (NEW-USER-21 F3: a quarter of an outage's failures said only "timed out", while
 * health knew the reason). Host messages carry no secret (the core's messages never do).
 *
 * <p>A cancel of {@link #create()} before the connection came stops the acquire (r2dbc-pool releases what it was
 * delivering); after, it goes nowhere ({@link PoolLateCancelGuard}): many borrowers cancel their acquire once they have
 * the connection and go on using it, and r2dbc-pool alone then released it without its clean-up, lending it to the next
 * borrower meanwhile (jOOQ 3.19). The connection handed out is a wrapper of r2dbc-pool's
 * ({@link io.r2dbc.spi.Wrapped#unwrap()} gives what r2dbc-pool's gives): its {@code close()} releases once and completes
 * when that release ended; one dropped without {@code close()} (a timeout that fired while it was handed over, a chain
 * cancelled before its close) is released with the same clean-up once the garbage collector found it unreachable — or,
 * when its borrower had cancelled the acquire after it came and made no use of it since, after the abandoned-lease
 * timeout (default 5 s, {@link PoolAbandonedLeaseWatch}: Spring's transaction manager, cancelled while its transaction begins,
 * lets go of its connection so — spring-framework#36344 — and a quiet application may see no collection for minutes).
 *
 * <p>Built by {@link PgConnPools#over} (or {@link #builder}, the same), a borrower whose connect a full server refused
 * (53300) is not tied to that connect: the connect gives it back ({@link PoolHandBack}) and this pool acquires again for
 * it, so it takes the next session another borrower releases (docs/r2dbc.md §4). It waits so until its whole wait ends,
 * as HikariCP's borrower waits its {@code connectionTimeout}: then it fails with an {@link R2dbcTimeoutException} that
 * names the pool, the wait, the server's refusal (its message, host and SQLSTATE 53300, also the exception's
 * SQLSTATE; the refusal is its cause, r2dbc-pool's timeout a suppressed one), what the pool held and the hosts —
 * never with the bare 53300 while any of its wait was left (before, refused with less than 0.5 s left it failed with it
 * at once). Everything else is r2dbc-pool's.
 */
public class PgConnConnectionPool extends ConnectionPool {

    /** Reactor's Context key of an operator's own hook for the values it drops (r2dbc-pool closes its timeout's so). */
    private static final String DROPPED_HOOK = "reactor.onNextDropped.local";

    private final PgConnectionFactory factory;
    /** r2dbc-pool's name of the pool, for its timeout's message; null when not named. */
    private final String name;
    /** A borrower's whole wait, when its connects may give it back to the queue ({@link PoolHandBack}); else null. */
    private final Duration wholeWait;
    /** How long a lease cancelled after it came may go without a call before it is taken back; null: never. */
    private final Duration abandonedLeaseTimeout;
    /** What its connections run on a release after use ({@link PgConnPools.Builder#resetOnRelease}); null: nothing. */
    private final String resetOnRelease;
    private final PoolIdleSessions sessions;
    /**
     * r2dbc-pool's metrics, looked up at the first {@link #create()}, not in the constructor: a constructor of this
     * extensible class calls no overridable method ({@code getMetrics()}: javac's this-escape check, an error on Java 25).
     */
    private final AtomicReference<PoolMetrics> metrics = new AtomicReference<>();

    /**
     * A pool as {@link ConnectionPool#ConnectionPool(ConnectionPoolConfiguration)} makes it; {@code factory} is the
     * pgconn factory under the configuration's connection factory, whose host memory a timeout names. A borrower stays
     * tied to the connect the pool started for it (r2dbc-pool's way); {@link PgConnPools#over} builds the pool whose
     * connects at a full server give their borrowers back to the queue — build with it.
     */
    public PgConnConnectionPool(ConnectionPoolConfiguration configuration, PgConnectionFactory factory) {
        this(configuration, factory, null, null, PgConnPools.DEFAULT_ABANDONED_LEASE_TIMEOUT);
    }

    /**
     * {@code wholeWait} ({@code maxAcquireTime} × (1 + {@code acquireRetry}), when the configuration's connection factory
     * is a {@link PgConnPoolCreateRetry}; null otherwise): a connect refused at a full server gives its borrower back to
     * the pool's queue, and the borrower acquires again, within that wait. {@code name}: the pool's (r2dbc-pool's name),
     * for its timeout's message; null when not named. {@code abandonedLeaseTimeout}: how long a connection whose
     * borrower cancelled its acquire after it came may go without a use since before the pool takes it back
     * ({@link PoolAbandonedLeaseWatch}); zero, negative or null: never (only its Cleaner releases it).
     */
    PgConnConnectionPool(ConnectionPoolConfiguration configuration, PgConnectionFactory factory, Duration wholeWait,
                         String name, Duration abandonedLeaseTimeout) {
        this(configuration, factory, wholeWait, name, abandonedLeaseTimeout, null);
    }

    /** As above; {@code resetOnRelease}: the SQL its driver factory's connections run on release, for {@link #resetOnRelease()}. */
    PgConnConnectionPool(ConnectionPoolConfiguration configuration, PgConnectionFactory factory, Duration wholeWait,
                         String name, Duration abandonedLeaseTimeout, String resetOnRelease) {
        super(configuration);
        this.resetOnRelease = resetOnRelease;
        this.factory = Objects.requireNonNull(factory, "factory");
        this.name = name;
        this.wholeWait = wholeWait;
        this.abandonedLeaseTimeout = PoolAbandonedLeaseWatch.checked(abandonedLeaseTimeout);
        AtomicReference<PoolMetrics> pool = this.metrics;
        this.sessions = new PoolIdleSessions(() -> {
            PoolMetrics figures = pool.get();
            return figures != null && figures.idleSize() > 0 && figures.pendingAcquireSize() == 0;
        });
    }

    /**
     * A builder of a pgconn pool over {@code factory}: {@link PgConnPools#over}, for whoever looks for it here
     * ({@code PgConnConnectionPool.builder(pg).maxSize(4).maxAcquireTime(Duration.ofSeconds(5)).build()}). It puts the
     * create retry, the growth hold and hand-back at a full server, the release clean-up and the eviction in place, in
     * their order (docs/r2dbc.md §4); this class's constructor takes an r2dbc-pool configuration made by hand, with
     * none of them.
     */
    public static PgConnPools.Builder builder(PgConnectionFactory factory) {
        return PgConnPools.over(factory);
    }

    @Override
    public Mono<Connection> create() {
        if (this.metrics.get() == null) {
            getMetrics().ifPresent(figures -> this.metrics.compareAndSet(null, figures));
        }
        if (this.wholeWait == null) {
            return guarded(super.create()).onErrorMap(R2dbcTimeoutException.class, timeout -> explained(timeout, null));
        }
        return Mono.defer(() -> {
            PoolHandBack.Borrower borrower = new PoolHandBack.Borrower(System.nanoTime() + this.wholeWait.toNanos(),
                    this.sessions);
            return handingBack(guarded(super.create()), borrower)
                    .contextWrite(Context.of(PoolHandBack.Borrower.KEY, borrower))
                    .onErrorMap(R2dbcTimeoutException.class, timeout -> explained(timeout, borrower.lastRefusal()));
        });
    }

    /**
     * How long a connection whose borrower cancelled its acquire after it came may go unused before this pool takes it
     * back ({@link PgConnPools.Builder#abandonedLeaseTimeout}); empty: never (zero or negative was set).
     */
    public Optional<Duration> abandonedLeaseTimeout() {
        return Optional.ofNullable(this.abandonedLeaseTimeout);
    }

    /** The SQL its connections run on a release after use ({@link PgConnPools.Builder#resetOnRelease}); empty: none. */
    public Optional<String> resetOnRelease() {
        return Optional.ofNullable(this.resetOnRelease);
    }

    /** r2dbc-pool's acquire {@code acquire}, its late cancel guarded and its connection lent as a lease. */
    private Mono<Connection> guarded(Mono<Connection> acquire) {
        return new PoolLateCancelGuard(acquire, this.sessions::released, this.abandonedLeaseTimeout);
    }

    /**
     * {@code acquire}, acquired again when a connect at a full server gave the borrower back to the queue, while any of
     * its wait is left; at its end an acquisition timeout (which {@link #create()} explains with the refusal).
     */
    private Mono<Connection> handingBack(Mono<Connection> acquire, PoolHandBack.Borrower borrower) {
        return acquire.onErrorResume(PoolHandBack.class, handBack -> {
            borrower.refused(handBack.getCause());
            long leftNanos = borrower.deadlineNanos() - System.nanoTime();
            if (leftNanos <= 0) {
                return Mono.error(new R2dbcTimeoutException(timedOut()));
            }
            return handingBack(acquiredAgain(leftNanos), borrower);
        });
    }

    /**
     * r2dbc-pool's acquire once more, guarded as the first, within what is left of the borrower's wait (r2dbc-pool's own
     * {@code maxAcquireTime} would start anew). The bound sits outside the guard (REVIEW-24 R24-7): a timer that fires
     * while the connection is handed over either cancels before the guard lent it (r2dbc-pool then releases what it was
     * delivering, never lent) or drops the lease, which is closed here — one release, with its clean-up; r2dbc-pool's
     * own timeout's drops (its {@code PooledConnection}s) are not this hook's.
     */
    private Mono<Connection> acquiredAgain(long leftNanos) {
        Consumer<Object> releaseDropped = dropped -> {
            if (dropped instanceof PoolLeasedConnection lease) {
                Mono.from(lease.close()).subscribe(null, error -> { });
            }
        };
        return guarded(super.create())
                .timeout(Mono.delay(Duration.ofNanos(leftNanos)))
                .contextWrite(context -> context.put(DROPPED_HOOK, releaseDropped))
                .onErrorMap(TimeoutException.class, timeout -> new R2dbcTimeoutException(timedOut(), timeout));
    }

    private String timedOut() {
        return "Connection acquisition timed out after " + this.wholeWait.toMillis() + "ms";
    }

    /**
     * {@code timeout} with what the pool held and the hosts; when a connect met the server's {@code refusal} (53300) for
     * the borrower, also the pool's name, the borrower's whole wait and that refusal, which becomes the cause (and its
     * SQLSTATE the timeout's, as HikariCP's timeout takes its last connect failure's), r2dbc-pool's timeout suppressed.
     */
    private R2dbcTimeoutException explained(R2dbcTimeoutException timeout, Throwable refusal) {
        if (refusal == null) {
            String message = timeout.getMessage() + ": " + state(this, this.factory);
            return new R2dbcTimeoutException(message, timeout.getSqlState(), timeout.getErrorCode(), timeout);
        }
        String message = timedOut() + (this.name != null ? " (pool " + this.name + ")" : "")
                + ", waiting for a session to be released: the server had no free slot for the pool's login ("
                + ErrorMessageLines.oneLine(refusal.getMessage()) + "); " + state(this, this.factory);
        String sqlState = refusal instanceof R2dbcException r2dbc ? r2dbc.getSqlState() : "53300";
        int errorCode = refusal instanceof R2dbcException r2dbc ? r2dbc.getErrorCode() : 0;
        R2dbcTimeoutException explained = new R2dbcTimeoutException(message, sqlState, errorCode, refusal);
        explained.addSuppressed(timeout);
        return explained;
    }

    /**
     * What {@code pool} holds (when it has metrics) and what {@code factory} last learned of each host, for a timeout's
     * message: "the pool had 3 session(s) lent out of at most 10, 0 idle, 2 borrower(s) waiting; hosts (what the
     * factory last learned, target_session_attrs=any): db1:5432 up (primary) at ...". {@code pool} may be null.
     */
    public static String state(ConnectionPool pool, PgConnectionFactory factory) {
        StringBuilder state = new StringBuilder();
        PoolMetrics metrics = pool == null ? null : pool.getMetrics().orElse(null);
        if (metrics != null) {
            state.append("the pool had ").append(metrics.acquiredSize()).append(" session(s) lent out of at most ")
                    .append(metrics.getMaxAllocatedSize()).append(", ").append(metrics.idleSize()).append(" idle, ")
                    .append(metrics.pendingAcquireSize()).append(" borrower(s) waiting; ");
        }
        return state.append("hosts (what the factory last learned, target_session_attrs=")
                .append(factory.config().targetSessionAttrs().libpqName()).append("): ")
                .append(hosts(factory.hostStatuses())).toString();
    }

    private static String hosts(List<HostStatus> statuses) {
        return statuses.stream().map(status -> {
            String known = status.host() + " " + status.state().label();
            if (status.role() != ServerRole.UNKNOWN) {
                known += " (" + status.role().label() + ")";
            }
            if (status.lastCheckedAt() != null) {
                known += " at " + status.lastCheckedAt();
            }
            return status.lastError() != null ? known + ": " + ErrorMessageLines.oneLine(status.lastError()) : known;
        }).collect(Collectors.joining("; "));
    }
}
