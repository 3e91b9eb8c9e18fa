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

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /** {@code afterRelease}: run when the release ended, either way (the pool may have the session idle then). */
    PoolLeasedConnection(Connection pooled, Runnable afterRelease) {
        this.pooled = pooled;
        this.release = new Release(pooled, System.nanoTime(), afterRelease);
        this.unreachable = UNREACHABLE.register(this, release);
    }

    /** The borrower's release: the first subscription begins it; every subscription completes when it ended. */
    @Override
    public Publisher<Void> close() {
        return Mono.defer(() -> {
            release.byBorrower = true;
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

        Release(Connection pooled, long lentAtNanos, Runnable afterRelease) {
            this.pooled = pooled;
            this.lentAtNanos = lentAtNanos;
            this.afterRelease = afterRelease;
        }

        @Override
        public void run() {
            if (begun.compareAndSet(false, true)) {
                if (!byBorrower) {
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

    @Override
    public Connection unwrap() {
        return pooled instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner ? inner : pooled;
    }

    @Override
    public Publisher<Void> beginTransaction() {
        return pooled.beginTransaction();
    }

    @Override
    public Publisher<Void> beginTransaction(TransactionDefinition definition) {
        return pooled.beginTransaction(definition);
    }

    @Override
    public Publisher<Void> commitTransaction() {
        return pooled.commitTransaction();
    }

    @Override
    public Batch createBatch() {
        return pooled.createBatch();
    }

    @Override
    public Publisher<Void> createSavepoint(String name) {
        return pooled.createSavepoint(name);
    }

    @Override
    public Statement createStatement(String sql) {
        return pooled.createStatement(sql);
    }

    @Override
    public boolean isAutoCommit() {
        return pooled.isAutoCommit();
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return pooled.getMetadata();
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return pooled.getTransactionIsolationLevel();
    }

    @Override
    public Publisher<Void> releaseSavepoint(String name) {
        return pooled.releaseSavepoint(name);
    }

    @Override
    public Publisher<Void> rollbackTransaction() {
        return pooled.rollbackTransaction();
    }

    @Override
    public Publisher<Void> rollbackTransactionToSavepoint(String name) {
        return pooled.rollbackTransactionToSavepoint(name);
    }

    @Override
    public Publisher<Void> setAutoCommit(boolean autoCommit) {
        return pooled.setAutoCommit(autoCommit);
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration timeout) {
        return pooled.setLockWaitTimeout(timeout);
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration timeout) {
        return pooled.setStatementTimeout(timeout);
    }

    @Override
    public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        return pooled.setTransactionIsolationLevel(isolationLevel);
    }

    @Override
    public Publisher<Boolean> validate(ValidationDepth depth) {
        return pooled.validate(depth);
    }

    @Override
    public String toString() {
        return pooled.toString();
    }
}
