package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The watch over a {@link PoolLeasedConnection} whose borrower cancelled its acquire after the connection was handed
 * over: such a borrower either goes on using the connection (jOOQ's transactions, {@code take(1)}, Kotlin's
 * {@code awaitFirst()}, {@code Flux.usingWhen} over {@code Flux.from(create())}: their cancel only ends the acquire) or
 * has let go of it without closing it — Spring's {@code R2dbcTransactionManager}, cancelled while its transaction
 * begins (spring-framework#36344; NEW-USER-27 F0: a quiet WebFlux service whose clients disconnected had every slot
 * lent and its sessions idle in their transactions until a garbage collection found the leases). Spring makes its
 * calls ({@code isAutoCommit()}, {@code beginTransaction(...)}, with {@code enforceReadOnly} a {@code SET TRANSACTION
 * READ ONLY}) while the connection is being delivered to it, and a cancel from another thread can land among them;
 * after the delivery it calls and starts nothing more. So the watch ends for good (the borrower is using the
 * connection; only its {@code close()} or the Cleaner releases it) at the first of:
 * <ul>
 * <li>a call on the lease after the cancel made anywhere but inside that delivery on the delivering thread
 * ({@link #used});</li>
 * <li>an operation started on the session after the delivery ended — also one made before, inside the delivery, and
 * subscribed now (a chain assembled in the delivery: {@code usingWhen}'s closure, {@code take(1).flatMap(...)}) —, one
 * started during the delivery on another thread than the delivering one (a borrower hopping threads,
 * {@code take(1).publishOn(x).flatMap(...)}: REVIEW-29 R29-7, told by thread as calls are, not by time),
 * or, at any time in this lend, inside the delivery too, a statement, batch, script or copy other than a {@code SET}:
 * work of the borrower's own, which a cancelled begin never leaves (REVIEW-28 R28-6: the watch ended on calls only,
 * and took back such a chain's transaction after a think time; {@link LendFence});</li>
 * <li>an {@code unwrap()} at any time (the driver's or core's connection reached under the lease is out of sight).</li>
 * </ul>
 * A lease that had none of these for {@code bound} after the cancel, with nothing under way on its session (no read, no
 * request unanswered; else it is looked at again after another {@code bound}), is taken back: released as its
 * {@code close()} would, with the clean-up (an open transaction rolled back, never lent in it), and every later call on
 * it fails with an {@link IllegalStateException} that says so — the lease no longer reaches the session, which may be
 * lent again. A borrower that cancels its acquire after the delivery, ran only transaction control and settings in it,
 * and then waits longer than {@code bound} before its next operation is taken back too: it cannot be told from
 * Spring's (docs/r2dbc.md §4). The looks run on the given scheduler (Reactor's parallel one in a pool). The watch does
 * not refer to the lease: one its borrower dropped is still released by its Cleaner if a collection comes first
 * (REVIEW-28 R28-2/R28-3).
 */
final class PoolAbandonedLeaseWatch implements Runnable {

    /**
     * What the watch reads of the lend on the session under the lease ({@link LendFence}, the driver connection's
     * {@code nothingUnderWay()}).
     */
    interface Lend {
        /**
         * Operations the lend started so far other than on the delivering thread inside the delivery
         * ({@link LendFence#operationsStartedOutsideTheDelivery()}).
         */
        long startedOutsideTheDelivery();

        /** Whether the lend started a statement, batch, script or copy other than a {@code SET}. */
        boolean workStarted();

        /** Whether nothing is under way on the session: no read, no request unanswered. */
        Mono<Boolean> nothingUnderWay();

        /**
         * The connection is being delivered to its borrower on this thread ({@link LendFence#deliveryBegins}).
         *
         * @return {@link #startedOutsideTheDelivery()} now
         */
        long deliveryBegins();

        /** The delivery {@link #deliveryBegins} told of ended. */
        void deliveryEnded();

        /**
         * The current lend of the pgconn connection under {@code pooled} ({@link PgConnUnwrap#driverConnection}); with
         * none there (another driver), one that started nothing and has nothing under way: only calls end the watch.
         */
        static Lend of(Connection pooled) {
            return PgConnUnwrap.driverConnection(pooled).<Lend>map(driver -> new Lend() {
                private final int lend = driver.lend();

                @Override
                public long startedOutsideTheDelivery() {
                    return driver.lends().operationsStartedOutsideTheDelivery();
                }

                @Override
                public boolean workStarted() {
                    return driver.lends().workStarted();
                }

                @Override
                public Mono<Boolean> nothingUnderWay() {
                    return driver.nothingUnderWay();
                }

                @Override
                public long deliveryBegins() {
                    return driver.lends().deliveryBegins(lend);
                }

                @Override
                public void deliveryEnded() {
                    driver.lends().deliveryEnded(lend);
                }
            }).orElse(NONE);
        }
    }

    private static final Lend NONE = new Lend() {
        @Override
        public long startedOutsideTheDelivery() {
            return 0;
        }

        @Override
        public boolean workStarted() {
            return false;
        }

        @Override
        public Mono<Boolean> nothingUnderWay() {
            return Mono.just(true);
        }

        @Override
        public long deliveryBegins() {
            return 0;
        }

        @Override
        public void deliveryEnded() {
        }
    };

    private static final int WATCHING = 0;
    /** The borrower uses the connection: the watch has ended. */
    private static final int IN_USE = 1;
    private static final int TAKEN_BACK = 2;

    /** The lend on the session under the lease — never the lease itself, which stays free to become unreachable. */
    private final Lend lend;
    private final Duration bound;
    /** Whether the lease's release began (its close(), its Cleaner, a take-back). */
    private final BooleanSupplier released;
    /** Begins the lease's release as a take-back after {@code bound}. */
    private final Consumer<Duration> takeBack;
    private final Scheduler scheduler;
    private final AtomicInteger state = new AtomicInteger(WATCHING);
    /**
     * The lend's count of operations started outside the delivery ({@link Lend#startedOutsideTheDelivery()}) when the
     * delivery began, or when the watch began after it: one started since ends the watch.
     */
    private final long startedBefore;
    /** The connection is still being delivered to its borrower. */
    private volatile boolean delivering;
    /** The next look; null when none is scheduled. */
    private volatile Disposable nextLook;

    /**
     * The watch of a lease over {@code lend}: it refers to what the lease's release refers to, never to the lease, so
     * a lease its borrower dropped is still found unreachable by the garbage collector (and released by its Cleaner)
     * if that comes first. {@code delivering}: the cancel came while the connection was being delivered
     * ({@link #deliveryEnded()} follows); {@code startedBefore}: the lend's {@link Lend#startedOutsideTheDelivery()}
     * when that delivery began, else now.
     */
    PoolAbandonedLeaseWatch(Lend lend, Duration bound, BooleanSupplier released, Consumer<Duration> takeBack,
                            Scheduler scheduler, boolean delivering, long startedBefore) {
        this.lend = lend;
        this.bound = bound;
        this.released = released;
        this.takeBack = takeBack;
        this.scheduler = scheduler;
        this.delivering = delivering;
        this.startedBefore = startedBefore;
    }

    /** Begins the watch: the first look after {@code bound}. */
    void start() {
        lookAfterBound();
    }

    /** The connection's delivery to the borrower ended: operations started from now on, on any thread, end the watch. */
    void deliveryEnded() {
        delivering = false;
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
                    + " the acquire after the connection was handed over and then made no call on it and started"
                    + " nothing on it for " + bound.toMillis() + " ms (abandoned-lease-timeout; docs/r2dbc.md §4) — the"
                    + " session was rolled back and may be lent to another borrower: close a connection when done with it");
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

    /** Whether the watch goes on (no use after the cancel, not closed, not taken back yet). */
    boolean watching() {
        return state.get() == WATCHING;
    }

    /**
     * A look: the watch ends when the borrower started work ({@link #startedWork()}); taken back when still watched,
     * delivered and nothing is under way on its session; else looked at again after {@code bound}.
     */
    @Override
    public void run() {
        if (state.get() != WATCHING || released.getAsBoolean()) {
            return;
        }
        if (startedWork()) {
            stop();
            return;
        }
        if (delivering) {
            lookAfterBound(); // a delivery still running (its borrower's work inside it): not let go of yet
            return;
        }
        lend.nothingUnderWay().onErrorReturn(true).subscribe(idle -> {
            if (idle && !startedWork() && state.compareAndSet(WATCHING, TAKEN_BACK)) {
                takeBack.accept(bound);
            } else {
                lookAfterBound();
            }
        });
    }

    /** Work of the borrower's own in this lend, or an operation started outside the delivery since the watch's start. */
    private boolean startedWork() {
        return lend.workStarted() || lend.startedOutsideTheDelivery() > startedBefore;
    }

    private void lookAfterBound() {
        if (state.get() != WATCHING) {
            return;
        }
        try {
            nextLook = scheduler.schedule(this, bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the scheduler was shut down (the application is stopping): the lease's Cleaner remains
        }
        if (state.get() != WATCHING) {
            stop(); // ended while it was scheduled: the look would find it ended anyway
        }
    }

    /** {@code bound}, checked: positive, or null for no watch. */
    static Duration checked(Duration bound) {
        return bound == null || bound.isZero() || bound.isNegative() ? null : bound;
    }
}
