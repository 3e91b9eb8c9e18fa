package io.pgconn.internal.query;

import io.pgconn.EventLoops;
import io.pgconn.internal.loop.CallerRunEventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A statement's future (also a simple query's and the transaction commands'; without a spin but yielding
 * first, a connect's and a connection's {@code close()}'s; neither spinning nor yielding, {@code closeFuture()}
 * and a cancel request's: REVIEW-11), and every
 * stage made from it, whose blocking waits ({@link #join()}, {@link #get()}, {@link #get(long, TimeUnit)}):
 * <ul>
 * <li>are refused on an event loop thread ({@link EventLoops}), and on a thread of Reactor's that must not block
 *     ({@link NonBlockingThreads}), while the future is not done ({@link IllegalStateException}
 *     naming the thread): the answer is read by the connection's event loop, so a wait on that loop — a
 *     {@code join()} inside a callback pgconn runs — would never end and would freeze every connection
 *     sharing the loop (new user 7 F2); on another loop it stalls that loop's connections. The same rule
 *     as a stream's blocking read ({@code BlockingRows}) and Reactor's {@code block()};</li>
 * <li>spin for up to {@code spinNanos} before parking as a plain future does, yielding the CPU with
 *     {@link Thread#yield()} at each turn — a statement's future for the {@code blockingWaitSpin} setting
 *     (docs/query.md §1), backing off while the connection's spins keep failing ({@link WaitSpinBackoff}); a
 *     connect's and a close()'s future for {@link #HAND_OFF_YIELD_NANOS} ({@link #yieldingFirst()};
 *     docs/lifecycle.md §4) — or with {@link Thread#onSpinWait()}, keeping the CPU ({@link #ON_SPIN_WAIT}, the
 *     spin-only constructors). The spin ends as soon as the future
 *     is done, the thread is interrupted, or a {@code get} timeout would pass. Zero spins not at all.</li>
 * </ul>
 */
public class SpinThenParkFuture<T> extends CompletableFuture<T> {

    /**
     * A spin's pause: the CPU's spin-wait hint; the thread keeps its CPU. Not a statement's any more (session 29): on a
     * CPU the event loop was queued on it only kept the loop from completing the future it waited for.
     */
    public static final Runnable ON_SPIN_WAIT = Thread::onSpinWait;
    /**
     * A spin's pause that offers the thread's CPU to any other runnable thread ({@link Thread#yield()}): an event
     * loop the caller just woke, when the kernel queued it on the caller's own CPU, runs there at once instead of
     * after the caller parked, and the caller's CPU does not go idle (and halt, in a VM) while the loop works.
     */
    public static final Runnable YIELD = Thread::yield;
    /**
     * How long a caller blocked on a connect's or a close()'s future yields ({@link #YIELD}) before it parks
     * ({@link #yieldingFirst()}; docs/lifecycle.md §4): a close is usually done within it, and a connect's first
     * steps (the dial) run on the loop meanwhile. Measured: pgconn-benchmarks/results/2026-12-05-speed-close.md.
     */
    public static final long HAND_OFF_YIELD_NANOS = 50_000;

    private final long spinNanos;
    private final Runnable pause;
    /** The connection's back-off of its {@code blockingWaitSpin} (null: spins {@link #spinNanos} every time). */
    private final WaitSpinBackoff backoff;
    @SuppressWarnings("rawtypes") // a field updater is made from the raw class; it only ever counts on this class
    private static final AtomicIntegerFieldUpdater<SpinThenParkFuture> WAITERS =
            AtomicIntegerFieldUpdater.newUpdater(SpinThenParkFuture.class, "blockedWaiters");
    /** Threads in a blocking wait on this future now, entered while it was not done ({@link #hasBlockedWaiter()}). */
    private volatile int blockedWaiters;
    /**
     * The connection's caller-run event loop (null: none): a blocked caller runs it while it waits, polling it for the
     * spin instead of yielding ({@link CallerRunEventLoop#awaitDone}; docs/query.md §1, caller-run event loops).
     */
    private final CallerRunEventLoop loop;

    public SpinThenParkFuture(long spinNanos) {
        this(spinNanos, ON_SPIN_WAIT);
    }

    /** @param pause what each turn of the spin does ({@link #ON_SPIN_WAIT}, {@link #YIELD}) */
    public SpinThenParkFuture(long spinNanos, Runnable pause) {
        this(spinNanos, pause, null);
    }

    /**
     * A statement's future: a blocked wait spins with {@link #YIELD} for the connection's {@code blockingWaitSpin},
     * unless {@code backoff} is backing off after spins that failed ({@link WaitSpinBackoff}). A yield rather than a
     * spin-wait hint: the event loop that completes the future is often queued on the waiter's own CPU (a client with
     * one CPU; the scheduler placing the woken caller where the loop ran), and a spin there held the loop off until the
     * scheduler took the CPU away (pgconn-benchmarks/results/2026-12-07-session29-pk.md).
     */
    public SpinThenParkFuture(WaitSpinBackoff backoff) {
        this(backoff.spinNanos(), YIELD, backoff.spinNanos() > 0 ? backoff : null, backoff.loop());
    }

    /** With {@code backoff} (null: none) and its own {@code pause} (tests count the spin's turns with it). */
    SpinThenParkFuture(long spinNanos, Runnable pause, WaitSpinBackoff backoff) {
        this(spinNanos, pause, backoff, null);
    }

    private SpinThenParkFuture(long spinNanos, Runnable pause, WaitSpinBackoff backoff, CallerRunEventLoop loop) {
        this.spinNanos = spinNanos;
        this.pause = pause;
        this.backoff = backoff;
        this.loop = loop;
    }

    /** A future of work just handed to an event loop (a close, a connect): a blocked caller yields for {@link #HAND_OFF_YIELD_NANOS} first. */
    public static <T> SpinThenParkFuture<T> yieldingFirst() {
        return new SpinThenParkFuture<>(HAND_OFF_YIELD_NANOS, YIELD);
    }

    /**
     * Whether a thread is in a blocking wait ({@code join()}/{@code get()}) on this future now, one it began before the
     * future was done: the thread that completes it then knows it just woke a waiter (a close on the event loop hands
     * that caller the CPU at once, docs/lifecycle.md §4). A wait that returned, timed out or was interrupted counts no
     * more, and a {@code get} with no time to wait never did (AUDIT-15 L2: a flag set for ever made the loop yield for
     * nobody).
     */
    public final boolean hasBlockedWaiter() {
        return blockedWaiters > 0;
    }

    /** Whether a blocking wait yields the CPU before it parks ({@link #yieldingFirst()}). */
    public final boolean yieldsFirst() {
        return spinNanos > 0 && pause == YIELD;
    }

    @Override
    public T join() {
        refuseOnANonBlockingThread("join()");
        if (isDone()) {
            return super.join();
        }
        WAITERS.incrementAndGet(this);
        try {
            if (loop != null) {
                Object follower = runLoop(spinNanos, 0, false);
                try {
                    return super.join();
                } finally {
                    loop.followed(follower);
                }
            }
            spin(spinNanos);
            return super.join();
        } finally {
            WAITERS.decrementAndGet(this);
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseOnANonBlockingThread("get()");
        if (isDone()) {
            return super.get();
        }
        WAITERS.incrementAndGet(this);
        try {
            if (loop != null) {
                Object follower = runLoop(spinNanos, 0, true);
                try {
                    return super.get();
                } finally {
                    loop.followed(follower);
                }
            }
            spin(spinNanos);
            return super.get();
        } finally {
            WAITERS.decrementAndGet(this);
        }
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseOnANonBlockingThread("get(timeout)");
        long budget = unit.toNanos(timeout);
        if (budget <= 0 || isDone()) {
            return super.get(budget, TimeUnit.NANOSECONDS); // no time to spin; and budget - elapsed could wrap round (REVIEW-12)
        }
        WAITERS.incrementAndGet(this);
        try {
            long start = System.nanoTime();
            if (loop != null) {
                Object follower = runLoop(Math.min(spinNanos, budget), start + budget, true);
                try {
                    return super.get(budget - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
                } finally {
                    loop.followed(follower);
                }
            }
            spin(Math.min(spinNanos, budget));
            return super.get(budget - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
        } finally {
            WAITERS.decrementAndGet(this);
        }
    }

    /** Stages made from this future are ones too: the refusal and the spin hold for them. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new SpinThenParkFuture<>(spinNanos, pause, backoff, loop);
    }

    /** Whether a blocking wait on this thread would spin (a spin is set and this is no event loop). */
    final boolean spinsOnThisThread() {
        return spinNanos > 0 && !EventLoops.inAnyEventLoop();
    }

    private void refuseOnANonBlockingThread(String wait) {
        if (isDone()) {
            return;
        }
        if (EventLoops.inAnyEventLoop()) {
            throw new IllegalStateException(wait + " on a pgconn future that is not complete, on an event loop thread ("
                    + Thread.currentThread().getName() + "): the loop would wait for an answer that only an event loop"
                    + " reads — forever when it is the connection's own, stalling every connection on it; compose"
                    + " with thenCompose/thenApply instead, or wait on another thread");
        }
        if (NonBlockingThreads.onAReactorNonBlockingThread()) {
            throw new IllegalStateException(wait + " on a pgconn future that is not complete, on a non-blocking Reactor"
                    + " thread (" + Thread.currentThread().getName() + "): Reactor's block() is refused there too;"
                    + " compose with thenCompose/thenApply (or Mono.fromFuture) instead, or wait on another thread"
                    + " (Schedulers.boundedElastic())");
        }
    }

    /**
     * A caller-run loop's wait: runs the loop on this thread until the future is done (polling for {@code nanos} first,
     * unless the back-off says not to), or follows another thread leading it ({@link CallerRunEventLoop#awaitDone}: the
     * follower's mark is returned, for after the plain wait).
     */
    private Object runLoop(long nanos, long deadlineNanos, boolean interruptible) {
        boolean full = nanos == spinNanos;
        long poll = nanos <= 0 ? 0 : backoff != null ? Math.min(nanos, backoff.nextSpin()) : nanos;
        long start = poll > 0 ? System.nanoTime() : 0;
        Object follower = loop.awaitDone(this, poll, deadlineNanos, interruptible);
        if (backoff != null && poll > 0 && full && follower == null && isDone()) {
            backoff.spun(System.nanoTime() - start <= poll); // answered within the poll, or it ran out
        }
        return follower;
    }

    private void spin(long nanos) {
        if (nanos <= 0 || isDone() || !spinsOnThisThread()) {
            return;
        }
        boolean full = nanos == spinNanos;
        if (backoff != null && backoff.nextSpin() == 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        Thread self = Thread.currentThread();
        while (!isDone() && !self.isInterrupted() && System.nanoTime() - deadline < 0) {
            pause.run();
        }
        if (backoff != null && full && !self.isInterrupted()) {
            backoff.spun(isDone()); // a spin cut short (interrupt, a shorter get timeout) tells nothing
        }
    }
}
