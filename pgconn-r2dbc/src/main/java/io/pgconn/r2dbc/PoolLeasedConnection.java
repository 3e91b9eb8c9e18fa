package io.pgconn.r2dbc;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What {@link PgConnConnectionPool#create()} hands a borrower: r2dbc-pool's pooled connection, whose release — r2dbc-pool's
 * {@code close()}, with its clean-up ({@code preRelease()}) — runs once: begun by the borrower's {@code close()}, or,
 * when the borrower let go of the connection without closing it (nothing refers to this object any more: a
 * {@code timeout} that dropped it while it was handed over, a chain cancelled before its close), by a {@link Cleaner}
 * once the garbage collector found it unreachable — which it is not while the connection's own work still refers to it:
 * a read left pending (a dropped {@code toIterable()} iterator, a subscriber that stopped requesting) holds its
 * subscriber chain, and a chain built over the lease ({@code usingWhen}, a lambda that captured it) holds the lease, so
 * such a lease keeps its session until the read is cancelled or ends. A {@code close()} after the release began
 * releases nothing again: it completes when that release ended. The release runs to its end also when the subscriber
 * of {@code close()} cancels
 * (before, a cancelled close stopped the clean-up halfway and the pool never got the connection back). Everything else
 * is the pooled connection's; {@link #unwrap()} is what the pooled connection unwraps to (the driver's connection, or a
 * proxy under the pool), so the levels of {@code Wrapped} are r2dbc-pool's.
 *
 * <p>A lease whose borrower cancelled its acquire after the connection came ({@link #acquireCancelled()}) is watched,
 * when the pool sets a bound: one that then gets no call and starts nothing on its session for that long (but what was
 * done while it was being delivered: transaction control and settings), ran no statement of its own, and has no work
 * under way is taken back before any garbage collection ({@link PoolAbandonedLeaseWatch}; Spring's transaction
 * manager drops connections so, spring-framework#36344), and the calls on it fail from then on. Without the cancel,
 * or with a use after it, a lease is never taken back.
 */
final class PoolLeasedConnection implements Connection, Wrapped<Connection> {

    private static final System.Logger LOG = System.getLogger(PoolLeasedConnection.class.getName());

    /**
     * One daemon thread for every pool's unreachable leases: it only begins their releases. It holds no context class
     * loader and inherits no thread locals from the thread that happened to load this class (REVIEW-24 R24-3: it pinned
     * that thread's loader, a web application's on a redeploy).
     */
    private static final Cleaner UNREACHABLE = Cleaner.create(task -> {
        Thread thread = new Thread(null, task, "pgconn-pool-lease-cleaner", 0, false);
        thread.setContextClassLoader(null);
        return thread;
    });

    private final Connection pooled;
    private final Release release;
    private final Cleaner.Cleanable unreachable;
    /** How long a lease whose acquire was cancelled after it came may go without a call before it is taken back; null: never. */
    private final Duration abandonedAfter;
    /** The watch begun by {@link #acquireCancelled()}; null before (and always without {@link #abandonedAfter}). */
    private volatile PoolAbandonedLeaseWatch watch;
    /** The thread delivering this lease to its borrower, while it does ({@link #delivering}); else null. */
    private volatile Thread deliveredBy;
    /** The lend under this lease, told of its delivery for the watch; null without {@link #abandonedAfter}. */
    private final PoolAbandonedLeaseWatch.Lend lend;
    /** The lend's operations started outside a delivery when this lease's delivery began ({@link #delivering}). */
    private long startedBeforeDelivery;
    /** {@link #unwrap()} was called: what is under the lease is out of the watch's sight, so it is never taken back. */
    private volatile boolean unwrapped;

    /** {@code afterRelease}: run when the release ended, either way (the pool may have the session idle then). */
    PoolLeasedConnection(Connection pooled, Runnable afterRelease) {
        this(pooled, afterRelease, null);
    }

    /**
     * {@code abandonedAfter}: a lease whose borrower cancelled its acquire after the connection came and that then goes
     * this long without a call, with nothing under way, is taken back ({@link PoolAbandonedLeaseWatch}); null: it never is.
     */
    PoolLeasedConnection(Connection pooled, Runnable afterRelease, Duration abandonedAfter) {
        this.pooled = pooled;
        this.release = new Release(pooled, System.nanoTime(), afterRelease);
        this.unreachable = UNREACHABLE.register(this, release);
        this.abandonedAfter = PoolAbandonedLeaseWatch.checked(abandonedAfter);
        this.lend = this.abandonedAfter == null ? null : PoolAbandonedLeaseWatch.Lend.of(pooled);
    }

    /**
     * The borrower cancelled its acquire after this lease was handed to it ({@link PoolLateCancelGuard}): it may go on
     * using it, or have let go of it; the watch tells them apart ({@link PoolAbandonedLeaseWatch}). Once per lease.
     */
    synchronized void acquireCancelled() {
        if (abandonedAfter != null && watch == null && !unwrapped && !release.begun.get()) {
            boolean inDelivery = deliveredBy != null;
            PoolAbandonedLeaseWatch begun = new PoolAbandonedLeaseWatch(lend, abandonedAfter, release.begun::get,
                    takeBack(release, unreachable), Schedulers.parallel(), inDelivery,
                    inDelivery ? startedBeforeDelivery : lend.startedOutsideTheDelivery());
            watch = begun;
            begun.start();
        }
    }

    /** Whether a watch over this lease goes on ({@link PoolAbandonedLeaseWatch}): it may yet be taken back. */
    boolean watched() {
        PoolAbandonedLeaseWatch watching = watch;
        return watching != null && watching.watching();
    }

    /**
     * What the watch runs when it found the lease abandoned for its bound: the release begins, as close() begins it —
     * made here, of the release and its cleanable only, so that the watch does not refer to the lease.
     */
    private static Consumer<Duration> takeBack(Release release, Cleaner.Cleanable unreachable) {
        return bound -> {
            release.takenBackAfter = bound;
            unreachable.clean();
        };
    }

    /**
     * This lease is being handed to its borrower on this thread (the guard's {@code onNext}), or no longer: calls the
     * borrower makes inside the delivery, on this thread, are part of taking the connection (Spring's begin), not a use
     * after a cancel; operations started after it, or during it on another thread, are
     * ({@link PoolAbandonedLeaseWatch#deliveryEnded()}, {@link LendFence#deliveryBegins}).
     */
    synchronized void delivering(boolean delivering) {
        deliveredBy = delivering ? Thread.currentThread() : null;
        if (lend != null && delivering) {
            startedBeforeDelivery = lend.deliveryBegins();
        } else if (lend != null) {
            lend.deliveryEnded();
        }
        PoolAbandonedLeaseWatch watching = watch;
        if (!delivering && watching != null) {
            watching.deliveryEnded();
        }
    }

    /** A call on the lease: told to its watch, if any — which fails it once the lease was taken back. */
    private void use() {
        PoolAbandonedLeaseWatch watching = watch;
        if (watching != null) {
            watching.used(deliveredBy == Thread.currentThread());
        }
    }

    /** The borrower's release: the first subscription begins it; every subscription completes when it ended. */
    @Override
    public Publisher<Void> close() {
        return Mono.defer(() -> {
            release.byBorrower = true;
            PoolAbandonedLeaseWatch watching = watch;
            if (watching != null) {
                watching.stop();
            }
            unreachable.clean();
            return release.released.asMono();
        });
    }

    /**
     * The release, begun once, by whichever comes first: the borrower's {@code close()} or the {@link Cleaner} (it holds
     * this, never the lease, so the lease can become unreachable). A release the Cleaner begins is a borrower's leak and
     * is logged at WARNING (REVIEW-23 R23-3: it was silent), with how long the connection was lent — never a value or a
     * statement.
     */
    private static final class Release implements Runnable {
        private final Connection pooled;
        private final long lentAtNanos;
        private final Runnable afterRelease;
        private final AtomicBoolean begun = new AtomicBoolean();
        private final Sinks.Empty<Void> released = Sinks.empty();
        /** The borrower's {@code close()} was subscribed: the release is not a leak. */
        private volatile boolean byBorrower;
        /** Taken back by its {@link PoolAbandonedLeaseWatch}, without a call this long after a cancelled acquire; null: not. */
        private volatile Duration takenBackAfter;

        Release(Connection pooled, long lentAtNanos, Runnable afterRelease) {
            this.pooled = pooled;
            this.lentAtNanos = lentAtNanos;
            this.afterRelease = afterRelease;
        }

        @Override
        public void run() {
            if (begun.compareAndSet(false, true)) {
                Duration unused = takenBackAfter;
                if (!byBorrower && unused != null) {
                    LOG.log(System.Logger.Level.WARNING, "a pooled connection lent "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lentAtNanos) + " ms ago was taken back by"
                            + " its pool, with its clean-up (an open transaction rolled back): its borrower cancelled the"
                            + " acquire after the connection was handed over, then left it " + unused.toMillis() + " ms"
                            + " without a call, without starting anything on it and without closing it — as Spring's R2dbcTransactionManager does when a"
                            + " transactional unit is cancelled while its transaction begins (spring-framework#36344: a"
                            + " client that disconnects); otherwise close every connection taken from the pool"
                            + " (docs/r2dbc.md §4)");
                } else if (!byBorrower) {
                    LOG.log(System.Logger.Level.WARNING, "a pooled connection lent "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lentAtNanos) + " ms ago was let go of"
                            + " without close(); it goes back to the pool now, with its clean-up, found unreachable by the"
                            + " garbage collector: close every connection taken from the pool (a timeout or a cancel that"
                            + " dropped it while it was handed over ends so too; docs/r2dbc.md §4)");
                }
                Mono.defer(() -> Mono.from(pooled.close())).subscribe(null, error -> {
                    released.tryEmitError(error);
                    afterRelease.run();
                }, () -> {
                    released.tryEmitEmpty();
                    afterRelease.run();
                });
            }
        }
    }

    /** Also ends a watch for good (and keeps one from starting): what is under the lease is used out of its sight. */
    @Override
    public Connection unwrap() {
        unwrapped = true;
        PoolAbandonedLeaseWatch watching = watch;
        if (watching != null) {
            watching.used(false);
        }
        return under();
    }

    /** What the pooled connection unwraps to (the driver's connection, or a proxy under the pool), ending nothing. */
    Connection under() {
        return pooled instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner ? inner : pooled;
    }

    /**
     * This lease, or what is under it when {@code targetClass} is one of theirs, else null — Wrapped's own answer, but
     * only an object found under the lease is handed out as {@link #unwrap()} hands it out (the watch ends for good): the
     * SPI's default called {@link #unwrap()} first, so a question answered null (a {@code Scheduler}, an
     * {@code Executor}, as r2dbc-pool asks the driver's connections) from whoever holds the lease ended its watch for
     * good (noticed in session 31).
     */
    @Override
    public <E> E unwrap(Class<E> targetClass) {
        if (targetClass == null) {
            throw new IllegalArgumentException("targetClass must not be null");
        }
        if (targetClass.isInstance(this)) {
            return targetClass.cast(this);
        }
        Connection under = under();
        E found = under instanceof Wrapped<?> wrapped ? wrapped.unwrap(targetClass)
                : targetClass.isInstance(under) ? targetClass.cast(under) : null;
        if (found != null) {
            unwrap(); // handed out: used out of the watch's sight
        }
        return found;
    }

    @Override
    public Publisher<Void> beginTransaction() {
        use();
        return pooled.beginTransaction();
    }

    @Override
    public Publisher<Void> beginTransaction(TransactionDefinition definition) {
        use();
        return pooled.beginTransaction(definition);
    }

    @Override
    public Publisher<Void> commitTransaction() {
        use();
        return pooled.commitTransaction();
    }

    @Override
    public Batch createBatch() {
        use();
        return pooled.createBatch();
    }

    @Override
    public Publisher<Void> createSavepoint(String name) {
        use();
        return pooled.createSavepoint(name);
    }

    @Override
    public Statement createStatement(String sql) {
        use();
        return pooled.createStatement(sql);
    }

    @Override
    public boolean isAutoCommit() {
        use();
        return pooled.isAutoCommit();
    }

    @Override
    public ConnectionMetadata getMetadata() {
        use();
        return pooled.getMetadata();
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        use();
        return pooled.getTransactionIsolationLevel();
    }

    @Override
    public Publisher<Void> releaseSavepoint(String name) {
        use();
        return pooled.releaseSavepoint(name);
    }

    /** Also on a lease taken back ({@link PoolAbandonedLeaseWatch}): nothing to do, its transaction was rolled back then. */
    @Override
    public Publisher<Void> rollbackTransaction() {
        if (release.takenBackAfter != null) {
            return Mono.empty();
        }
        use();
        return pooled.rollbackTransaction();
    }

    @Override
    public Publisher<Void> rollbackTransactionToSavepoint(String name) {
        use();
        return pooled.rollbackTransactionToSavepoint(name);
    }

    @Override
    public Publisher<Void> setAutoCommit(boolean autoCommit) {
        use();
        return pooled.setAutoCommit(autoCommit);
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration timeout) {
        use();
        return pooled.setLockWaitTimeout(timeout);
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration timeout) {
        use();
        return pooled.setStatementTimeout(timeout);
    }

    @Override
    public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        use();
        return pooled.setTransactionIsolationLevel(isolationLevel);
    }

    @Override
    public Publisher<Boolean> validate(ValidationDepth depth) {
        use();
        return pooled.validate(depth);
    }

    @Override
    public String toString() {
        return pooled.toString();
    }
}
