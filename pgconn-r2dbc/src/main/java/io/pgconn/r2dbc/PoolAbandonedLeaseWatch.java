package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The watch over a {@link PoolLeasedConnection} whose borrower cancelled its acquire after the connection was handed
 * over: such a borrower either goes on using the connection (jOOQ's transactions, {@code take(1)}, Kotlin's
 * {@code awaitFirst()}: their cancel only ends the acquire, and they call on the connection after it) or has let go of
 * it without closing it — Spring's {@code R2dbcTransactionManager}, cancelled while its transaction begins
 * (spring-framework#36344; NEW-USER-27 F0: a quiet WebFlux service whose clients disconnected had every slot lent and
 * its sessions idle in their transactions until a garbage collection found the leases). Spring makes its calls
 * ({@code isAutoCommit()}, {@code setAutoCommit(false)}, {@code beginTransaction(...)}) while the connection is being
 * delivered to it, and a cancel from another thread can land among them; after the delivery it calls nothing more.
 * So: the first call on the lease after the cancel, made anywhere but inside that delivery, ends the watch for good
 * (the borrower is using the connection; only its {@code close()} or the Cleaner releases it), as does an
 * {@code unwrap()} at any time (the driver's or core's connection reached under the lease is out of sight). A lease
 * that had no such call for {@code bound} after the cancel, with nothing under way on its session (no read, no
 * request unanswered; else it is looked at again after another {@code bound}), is taken back: released as its
 * {@code close()} would, with the clean-up (an open transaction rolled back, never lent in it), and every later call on
 * it fails with an {@link IllegalStateException} that says so — the lease no longer reaches the session, which may be
 * lent again. The looks run on Reactor's parallel scheduler. The watch does not refer to the lease: one its borrower
 * dropped is still released by its Cleaner if a collection comes first (REVIEW-28 R28-2/R28-3: a first version took
 * back any lease unused for the bound, also from borrowers that use the connection with think time, and reached the
 * session through statements they had made before).
 */
final class PoolAbandonedLeaseWatch implements Runnable {

    private static final int WATCHING = 0;
    /** A call after the cancel: the borrower uses the connection; the watch has ended. */
    private static final int IN_USE = 1;
    private static final int TAKEN_BACK = 2;

    /** r2dbc-pool's connection under the lease — never the lease itself, which stays free to become unreachable. */
    private final Connection pooled;
    private final Duration bound;
    /** Whether the lease's release began (its close(), its Cleaner, a take-back). */
    private final BooleanSupplier released;
    /** Begins the lease's release as a take-back after {@code bound}. */
    private final Consumer<Duration> takeBack;
    private final AtomicInteger state = new AtomicInteger(WATCHING);
    /** The next look; null when none is scheduled. */
    private volatile Disposable nextLook;

    /**
     * The watch of the lease over {@code pooled}: it refers to what the lease's release refers to, never to the lease,
     * so a lease its borrower dropped is still found unreachable by the garbage collector (and released by its
     * Cleaner) if that comes first.
     */
    PoolAbandonedLeaseWatch(Connection pooled, Duration bound, BooleanSupplier released, Consumer<Duration> takeBack) {
        this.pooled = pooled;
        this.bound = bound;
        this.released = released;
        this.takeBack = takeBack;
    }

    /** Begins the watch: the first look after {@code bound}. */
    void start() {
        lookAfterBound();
    }

    /**
     * A call on the lease after the cancel. One made inside the connection's delivery to the borrower
     * ({@code inDelivery}: Spring's begin, racing the cancel) changes nothing; any other ends the watch.
     *
     * @throws IllegalStateException when the lease was taken back
     */
    void used(boolean inDelivery) {
        if (!inDelivery && state.compareAndSet(WATCHING, IN_USE)) {
            stop();
        }
        if (state.get() == TAKEN_BACK) {
            throw new IllegalStateException("this pooled connection was taken back by its pool: its borrower cancelled"
                    + " the acquire after the connection was handed over and then made no call on it for "
                    + bound.toMillis() + " ms (abandoned-lease-timeout; docs/r2dbc.md §4) — the session was rolled back"
                    + " and may be lent to another borrower: close a connection when done with it");
        }
    }

    /** The borrower closed the lease, or reached under it ({@code unwrap()}): no more looks. */
    void stop() {
        state.compareAndSet(WATCHING, IN_USE);
        Disposable look = nextLook;
        if (look != null) {
            look.dispose();
        }
    }

    /** Whether the watch goes on (no call after the cancel, not closed, not taken back yet). */
    boolean watching() {
        return state.get() == WATCHING;
    }

    /** A look: taken back when still watched and nothing is under way on its session. */
    @Override
    public void run() {
        if (state.get() != WATCHING || released.getAsBoolean()) {
            return;
        }
        nothingUnderWay().onErrorReturn(true).subscribe(idle -> {
            if (idle && state.compareAndSet(WATCHING, TAKEN_BACK)) {
                takeBack.accept(bound);
            } else {
                lookAfterBound();
            }
        });
    }

    private void lookAfterBound() {
        if (state.get() != WATCHING) {
            return;
        }
        try {
            nextLook = Schedulers.parallel().schedule(this, bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Reactor's schedulers were shut down (the application is stopping): the lease's Cleaner remains
        }
        if (state.get() != WATCHING) {
            stop(); // ended while it was scheduled: the look would find it ended anyway
        }
    }

    /**
     * Whether nothing is under way on the session ({@link PgConnR2dbcConnection#nothingUnderWay()}); true when no
     * pgconn connection is under the pooled one (nothing to ask).
     */
    private Mono<Boolean> nothingUnderWay() {
        return PgConnUnwrap.driverConnection(pooled).map(PgConnR2dbcConnection::nothingUnderWay).orElseGet(() -> Mono.just(true));
    }

    /** {@code bound}, checked: positive, or null for no watch. */
    static Duration checked(Duration bound) {
        return bound == null || bound.isZero() || bound.isNegative() ? null : bound;
    }
}
