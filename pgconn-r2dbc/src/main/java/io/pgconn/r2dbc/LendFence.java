package io.pgconn.r2dbc;

import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The lends of one {@link PgConnR2dbcConnection} by its pool, and the operations each lend started. A pool's release
 * ({@code preRelease()}) begins the next lend ({@link #next}); a statement, batch, copy or transaction call keeps the
 * lend it was made in and is refused once that lend is over — what a borrower made before its release (its
 * {@code close()}, or the pool taking back a lease let go of: {@link PoolAbandonedLeaseWatch}) never reaches the
 * session the pool may have lent to another borrower (REVIEW-28 R28-2).
 *
 * <p>The check and the placing are one step against a release (REVIEW-28 R28-7: they were a check, then the placing,
 * and a release on another thread between them found nothing of the late operation to clean up, which then ran on the
 * next borrower's session): an operation is <em>entered</em> while its lend is still current, and counted as placing
 * until its exchange is queued on the session (a statement's result handed out, a script's or copy's publisher
 * subscribed) or, for transaction control, until it ended; the release moves to the next lend, which refuses every
 * later entry, and then waits for the operations placing to be placed, so that its clean-up finds them. That wait
 * is bounded by the caller ({@link #next(Duration)}): a transaction call stuck on a server that stopped answering
 * leaves the clean-up to its own bound.
 *
 * <p>It also counts what each lend started, for the abandoned-lease watch ({@link PoolAbandonedLeaseWatch}): how many
 * operations started other than inside the connection's delivery to its borrower — on the thread handing it over, while
 * it does ({@link #deliveryBegins}; REVIEW-29 R29-7: counted by time, an operation a borrower hopping threads started on
 * another thread during the delivery passed for part of it) — ({@link #operationsStartedOutsideTheDelivery()}), and
 * whether one of them was the borrower's own work — a
 * statement, batch, script or copy other than a {@code SET} — rather than the transaction control and settings all a
 * borrower like Spring's transaction manager, cancelled while it begins, leaves ({@link #workStarted()}). No lock is
 * held while an operation's signals run; a statement costs one volatile read when made and two uncontended
 * monitor holds when executed, and allocates nothing here.
 *
 * <p>And whether the session may hold state a borrower set since its last reset on release ({@link #sessionUsed}):
 * the server changes a session's state only for what the session sends it, and everything a borrower sends through
 * this connection is an operation entered here; the core connection handed out by {@code unwrap()} sends out of sight,
 * so handing it out counts as use ({@link #handedOut}). So a lend that entered nothing and unwrapped nothing left
 * nothing to reset (docs/r2dbc.md §4, "Reset on release").
 */
final class LendFence {

    /** Guards the fields below; held for a few field updates only. */
    private final Object lock = new Object();
    /** Written under {@link #lock} only; read without it where only the current value matters (a statement made). */
    private volatile int lend;
    /** Operations of the current lend entered and not yet placed. */
    private int placing;
    /** The release waiting for {@link #placing} to reach zero; null when none waits. */
    private Sinks.Empty<Void> settled;
    private long operationsStarted;
    private boolean workStarted;
    /** The thread handing the connection to its borrower in the current lend, while it does; else null. */
    private Thread deliveredBy;
    /** Operations the current lend started on {@link #deliveredBy} while it delivered: part of taking the connection. */
    private long startedInDelivery;
    /**
     * Whether an operation was entered, or the core connection handed out, since the last reset on release
     * ({@link #sessionUsed}); not cleared by {@link #next}: a lend without a reset leaves it for the next one's release.
     */
    private boolean usedSinceReset;

    /** The lend the connection is in now: one volatile read (every statement made asks). */
    int current() {
        return lend;
    }

    /**
     * An operation made in {@code madeIn} begins to be placed: counted until {@link #exit()}; {@code work}: a
     * statement, batch, script or copy other than a {@code SET} (not transaction control).
     *
     * @throws IllegalStateException when the connection went back to its pool since {@code madeIn}, naming {@code owner}
     */
    void enter(int madeIn, boolean work, Object owner) {
        synchronized (lock) {
            if (madeIn != lend) {
                throw new IllegalStateException("this statement or transaction call was made on a pooled connection ("
                        + owner + ") that went back to its pool since — closed, or taken back by the pool after its"
                        + " borrower let go of it (docs/r2dbc.md §4): it no longer reaches the session, which may be"
                        + " another borrower's now; run it on a connection you hold");
            }
            placing++;
            operationsStarted++;
            usedSinceReset = true;
            if (deliveredBy == Thread.currentThread()) {
                startedInDelivery++;
            }
            workStarted |= work;
        }
    }

    /** An operation {@link #enter entered} is placed (or failed to be): a release waiting for it may go on. */
    void exit() {
        Sinks.Empty<Void> waiting;
        synchronized (lock) {
            placing--;
            if (placing > 0 || settled == null) {
                return;
            }
            waiting = settled;
            settled = null;
        }
        waiting.tryEmitEmpty();
    }

    /**
     * The current lend is over (the pool releases the connection): every later {@link #enter} of it fails. Completes
     * once the operations it entered are placed, or after {@code bound} (a transaction call waiting on a server that
     * stopped answering: the clean-up has its own bound).
     */
    Mono<Void> next(Duration bound) {
        Sinks.Empty<Void> waiting;
        synchronized (lock) {
            lend++;
            operationsStarted = 0;
            workStarted = false;
            deliveredBy = null;
            startedInDelivery = 0;
            if (placing == 0) {
                return Mono.empty();
            }
            waiting = Sinks.empty();
            settled = waiting;
        }
        return waiting.asMono().timeout(bound, Mono.empty());
    }

    /**
     * The core connection was handed out ({@code unwrap()}): what is sent through it is out of this fence's sight, so
     * the session counts as used for the reset on release ({@link #sessionUsed}).
     */
    void handedOut() {
        synchronized (lock) {
            usedSinceReset = true;
        }
    }

    /**
     * Whether the session was used — an operation entered, the core connection handed out — since the last call that
     * answered true: a reset on release asks it once per release, and runs only when it says true (a session nothing
     * was sent to since its last reset holds no state to reset). Clears what it answers.
     */
    boolean sessionUsed() {
        synchronized (lock) {
            boolean used = usedSinceReset;
            usedSinceReset = false;
            return used;
        }
    }

    /** How many operations the current lend started (entered); for tests, which read what a lend counted through it. */
    long operationsStarted() {
        synchronized (lock) {
            return operationsStarted;
        }
    }

    /**
     * Lend {@code madeIn} is being handed to its borrower on this thread (the pool's delivery): operations entered on it
     * until {@link #deliveryEnded} are part of taking the connection; those entered on any other thread are not.
     * Nothing when that lend is over already.
     *
     * @return the operations the lend started outside a delivery so far
     */
    long deliveryBegins(int madeIn) {
        synchronized (lock) {
            if (madeIn == lend) {
                deliveredBy = Thread.currentThread();
            }
            return operationsStarted - startedInDelivery;
        }
    }

    /** Lend {@code madeIn}'s delivery ended ({@link #deliveryBegins}); nothing when that lend is over already. */
    void deliveryEnded(int madeIn) {
        synchronized (lock) {
            if (madeIn == lend) {
                deliveredBy = null;
            }
        }
    }

    /** Operations the current lend started other than on the delivering thread inside its delivery ({@link #deliveryBegins}). */
    long operationsStartedOutsideTheDelivery() {
        synchronized (lock) {
            return operationsStarted - startedInDelivery;
        }
    }

    /** Whether the current lend started work of its own: a statement, batch, script or copy other than a {@code SET}. */
    boolean workStarted() {
        synchronized (lock) {
            return workStarted;
        }
    }

    /**
     * {@code operation}'s publisher, made and subscribed while it is {@link #enter entered} in {@code madeIn}: for the
     * operations placed when subscribed (a script's results, a copy). A refused entry is the subscriber's error.
     */
    <T> Flux<T> placedOnSubscribe(int madeIn, boolean work, Object owner, Supplier<? extends Publisher<T>> operation) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                try {
                    enter(madeIn, work, owner);
                } catch (IllegalStateException refused) {
                    Operators.error(actual, refused);
                    return;
                }
                try {
                    Flux.from(operation.get()).subscribe(actual);
                } catch (RuntimeException e) {
                    Operators.error(actual, e);
                } finally {
                    exit();
                }
            }
        };
    }

    /**
     * Transaction control asked in {@code madeIn}: {@link #enter entered} when subscribed, placing until it ended (or
     * its subscriber cancelled), as its exchange may be queued after a wait for earlier results.
     */
    <T> Mono<T> heldUntilDone(int madeIn, Object owner, Mono<T> operation) {
        return Mono.defer(() -> {
            enter(madeIn, false, owner);
            return operation.doFinally(signal -> exit());
        });
    }
}
