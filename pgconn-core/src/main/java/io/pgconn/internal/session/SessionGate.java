package io.pgconn.internal.session;

import io.netty.channel.EventLoop;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may touch a session now, in one atomic word (docs/lifecycle.md §4, docs/query.md §1): for a close on the
 * caller's thread, whether the session is idle; for a statement started on the caller's thread, whether the caller
 * may own the session's state (the FIFO, the statement cache, the type OIDs, the cancel hold) while it makes and
 * sends its request.
 *
 * <p><b>Idle, for the caller's close.</b> A submit counts itself in before its task is queued (and fails as closed
 * when a caller took the close), the loop holds one count ({@link #LOOP}) while it has work and gives it back when it
 * is quiet, and a caller takes the close only when nothing is counted. So a request submitted before a close on the
 * same thread goes the loop's way (written, then the Terminate), and one racing a close either counted itself in first
 * (the close then goes the loop's way) or fails with the closed error; no byte of it reaches the socket after the
 * caller's Terminate.
 *
 * <p><b>Owned, for the caller's start.</b> The loop gives its count back <em>before</em> the completion that wakes a
 * caller (so that a caller closing at once finds the session idle), and goes on in the session's code after it (the
 * FIFO's next head, the read's end, a type lookup's statement-cache drop). So every place where the loop enters the
 * session's code is a door ({@link #enterOrDefer}, then {@link #exit}; nested on a loop-local depth): a door entered
 * without the loop's count marks the loop {@link #INSIDE}, and {@link #quiet} inside a door turns the count into that mark in one
 * step. A caller owns the session ({@link #OWNED}) only from zero — nothing counted, the loop outside the session's
 * code, not closed — and releases it into "the loop has work" ({@link #releaseOwned}). A door entered from outside
 * meanwhile spins briefly for the release, then does not wait: its work is deferred ({@link DeferredDoorWork}, marked
 * {@link #WAITING}: no new owner, no caller's close until it ran) and the owner's release queues it on the loop, in
 * order, before any later door's work — so one caller's preempted thread holds up only its own session, never the
 * other connections on the loop (REVIEW-18-START M3; an owner that has not given the session back after
 * {@link #SLOW_OWNER_MILLIS} is logged once). The owner never waits for the loop. The release's write and the loop's
 * read of this word at its next door are the happens-before the loop needs to see what the owner did. The pipelined
 * path, where the loop holds its count throughout, pays one volatile read per door and no atomic update.
 */
final class SessionGate {

    /** A caller took the close: no work starts any more. */
    static final int CLOSED = 1 << 30;
    /** A caller owns the session's state (a statement started on its thread). */
    static final int OWNED = 1 << 29;
    /** The loop is in the session's code without holding its count. */
    static final int INSIDE = 1 << 28;
    /** The loop deferred work until the owner's release ({@link DeferredDoorWork}): nobody owns or closes the session before it ran. */
    static final int WAITING = 1 << 27;
    /** The loop holds its count: it has work (in flight, queued, encoded or unsent). */
    static final int LOOP = 1 << 26;
    /** The submits counted in and not yet queued. */
    private static final int SUBMITS = LOOP - 1;
    /** Spins of a loop door for an owner's release before it defers its work instead. */
    private static final int SPINS_BEFORE_DEFER = 200;
    /** How long an owner may hold the session before the loop logs it (once per session). */
    static final long SLOW_OWNER_MILLIS = 100;

    private final AtomicInteger state = new AtomicInteger();
    /** How deep the loop is in nested doors (event loop only). */
    private int depth;
    /** The doors' work deferred until the owner's release, in order (event loop only). */
    private final DeferredDoorWork deferred;
    /** Runs {@link #deferred}: queued on the loop by the owner's release. */
    private final Runnable runDeferred = this::runDeferred;
    /** Statements started on the caller's thread (tests: that the caller's way was taken). */
    private volatile long ownedStarts;
    /**
     * The thread that owns the session ({@link #OWNED}), kept only with assertions on ({@link #mayTouchState}): written
     * by the owner alone, so a thread reads its own thread here only while it owns the session.
     */
    private Thread owner;

    SessionGate() {
        this("");
    }

    SessionGate(String host) {
        this.deferred = new DeferredDoorWork(host);
    }

    /** Any thread, before a submit's task is queued: false when a caller took the close (the submit fails as closed). */
    boolean submitting() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /**
     * A statement's start that counted itself in ({@link #submitting}) when its task was queued has run (its own submit
     * counted in meanwhile, or it was cancelled first): its count goes.
     */
    void startRan() {
        state.decrementAndGet(); // the submits' count, at least this one: no other bit changes
    }

    /**
     * Event loop, in a door, when a submitted exchange is queued: its count becomes the loop's while the loop has work
     * (nobody owns the session inside a door: an owner needs the word at zero).
     */
    void queued() {
        for (;;) {
            int s = state.get();
            assert (s & OWNED) == 0 : "a submit queued while a caller owns the session";
            // the loop's count keeps owners and a caller's close out as the INSIDE mark did: the mark goes with it, so
            // leaving the door needs no update of its own
            int next = ((s & LOOP) != 0 ? s - 1 : (s - 1) | LOOP) & ~INSIDE;
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /**
     * Event loop, inside a door: a submit made in the session's code (a statement started from a completion, the
     * chained idiom) counts itself in and is queued at once, as {@link #submitting} then {@link #queued} would — one
     * update instead of two, none while the loop holds its count (nothing can close or own the session then, and the
     * loop gives its count back only in its own code). False when a caller took the close: the submit fails as closed.
     */
    boolean queuedInside() {
        assert depth > 0 : "a submit queued inside a door outside every door";
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & LOOP) != 0 || state.compareAndSet(s, (s | LOOP) & ~INSIDE)) {
                return true;
            }
        }
    }

    /**
     * Event loop: nothing is in flight, queued, encoded or waiting in the outbound buffer. The loop's count goes; inside
     * a door the loop stays marked {@link #INSIDE} until it leaves.
     */
    void quiet() {
        for (;;) {
            int s = state.get();
            if ((s & LOOP) == 0) {
                return;
            }
            int next = s & ~LOOP;
            if (depth > 0) {
                next |= INSIDE;
            }
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /**
     * Event loop: enters the session's code (true; leave with {@link #exit}), or false: its work must be deferred
     * ({@link DeferredDoorWork#add}). Nested in a door, always true. From outside every door: false while earlier work waits for an
     * owner's release (it keeps its place behind it), or when a caller still owns the session after a short spin (the
     * word is marked {@link #WAITING}, so the release queues the deferred work); else the loop is marked inside unless
     * it holds its count (or a caller took the close: no owner can come then).
     */
    boolean tryEnter() {
        if (depth > 0) {
            depth++;
            return true;
        }
        if (deferred.pending()) {
            return false;
        }
        for (int spins = 0; ; ) {
            int s = state.get();
            if ((s & (LOOP | CLOSED)) != 0) {
                depth = 1;
                return true;
            }
            if ((s & OWNED) != 0) {
                if (spins++ < SPINS_BEFORE_DEFER) {
                    Thread.onSpinWait();
                } else if (state.compareAndSet(s, s | WAITING)) {
                    return false;
                }
                continue;
            }
            if (state.compareAndSet(s, s | INSIDE)) {
                depth = 1;
                return true;
            }
        }
    }

    /**
     * A door of the session's code, called again when its work was deferred ({@link #enterOrDefer}): the door's own
     * method, a method reference that captures nothing ({@code SessionHandler::channelInactive}), so it is one constant
     * object and naming it allocates nothing.
     */
    @FunctionalInterface
    interface Door<S, A> {
        void run(S self, A arg);
    }

    /**
     * Event loop, at every door of the session's code, as {@code if (!gate.enterOrDefer(Owner::thisDoor, this, arg,
     * loop)) return;} then the door's work and {@link #exit} in a {@code finally}: true when the loop entered; false when
     * a caller owns the session — {@code door}, called again later with the same receiver and argument, is deferred
     * ({@link DeferredDoorWork}) until the owner's release, after the work deferred before it, and enters then (nested in the
     * deferred work's door). One line per door: the deferral names the door itself, and nothing is allocated unless it
     * defers (the per-message path: a read entered at once makes no object).
     *
     * <p>Not a method that runs the work itself: that would put two more frames (it and the door's lambda) between
     * Netty's callback and each message's handling, whose row decoding already sits near the JIT's inlining depth limit.
     */
    <S, A> boolean enterOrDefer(Door<S, A> door, S self, A arg, EventLoop loop) {
        if (tryEnter()) {
            return true;
        }
        deferred.add(() -> door.run(self, arg), loop);
        return false;
    }

    /** {@link #enterOrDefer(Door, Object, Object, EventLoop)} for a door that is a task: {@code task} runs again later. */
    boolean enterOrDefer(Runnable task, EventLoop loop) {
        if (tryEnter()) {
            return true;
        }
        deferred.add(task, loop);
        return false;
    }

    /** Event loop: the owner's release queued it; runs the deferred work in order, inside a door, then lets owners in again. */
    private void runDeferred() {
        depth = 1;
        for (;;) {
            int s = state.get(); // not owned: WAITING keeps owners out
            if ((s & (LOOP | CLOSED)) != 0 || state.compareAndSet(s, s | INSIDE)) {
                break;
            }
        }
        try {
            deferred.runAll();
            for (;;) {
                int s = state.get();
                if (state.compareAndSet(s, s & ~WAITING)) {
                    break;
                }
            }
        } finally {
            exit();
        }
    }

    /** Event loop: leaves a door; the last one clears the {@link #INSIDE} mark. */
    void exit() {
        if (--depth > 0) {
            return;
        }
        for (;;) {
            int s = state.get();
            if ((s & INSIDE) == 0 || state.compareAndSet(s, s & ~INSIDE)) {
                return;
            }
        }
    }

    /**
     * Event loop, outside every door: whether it holds its count ({@link #LOOP}: work in flight, queued, encoded or
     * unsent). Without it the FIFO is empty but for the one request of a caller that owns the session now or owned it
     * since (a caller owns it only from zero). One volatile read; no wait for an owner.
     */
    boolean loopHasWork() {
        return (state.get() & LOOP) != 0;
    }

    /** Event loop: whether it is inside a door now (assertions of the session's loop-only code; a submit made there). */
    boolean loopInside() {
        return depth > 0;
    }

    /**
     * Whether this thread may touch the session's loop-only state now (assertions): the loop inside one of the
     * session's doors, or (not the loop) the caller that owns the session — the owner itself, not any other thread
     * while some caller owns it (REVIEW-18-START L6).
     */
    boolean mayTouchState(boolean onLoop) {
        return onLoop ? depth > 0 : (state.get() & OWNED) != 0 && owner == Thread.currentThread();
    }

    /** Assertions only ({@code assert ownedBy(...)}): notes the owner for {@link #mayTouchState}. */
    private boolean ownedBy(Thread thread) {
        owner = thread;
        return true;
    }

    /**
     * A thread that is not the loop: takes the close when the session is idle (the loop may still be inside a door,
     * after the completion that woke this caller); false when it is not (the loop closes).
     */
    boolean closeIfIdle() {
        for (;;) {
            int s = state.get();
            if ((s & ~INSIDE) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return true;
            }
        }
    }

    /**
     * Whether the session is idle now: nothing counted, the loop outside the session's code, nobody owns or closed it
     * — a caller's start could own it (tests: the loop goes on in a door after the completion that woke a caller).
     */
    boolean idle() {
        return state.get() == 0;
    }

    /** Whether a caller took the close: a close on the caller's thread was made (tests). */
    boolean closedByCaller() {
        return (state.get() & CLOSED) != 0;
    }

    /** {@link #own(long, Runnable)} waiting as a caller's start does ({@link CallerStart#WAIT_FOR_THE_LOOP}; tests). */
    boolean own(long spinNanos) {
        return own(spinNanos, CallerStart.WAIT_FOR_THE_LOOP);
    }

    /**
     * A thread that is not the loop: owns the session when nothing is counted, the loop is outside the session's code
     * and no close was taken. While the loop is only finishing a door (the completion that woke this caller, most
     * often), waits for it up to {@code spinNanos}, running {@code pause} between looks (the caller's choice: the
     * loop it waits for may need this thread's CPU, {@link CallerStart}); false at once otherwise (the statement
     * takes the loop's way).
     */
    boolean own(long spinNanos, Runnable pause) {
        long deadline = 0;
        for (;;) {
            int s = state.get();
            if (s == 0) {
                if (state.compareAndSet(0, OWNED)) {
                    assert ownedBy(Thread.currentThread());
                    return true;
                }
                continue;
            }
            if (s != INSIDE) {
                return false;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + spinNanos;
            } else if (now - deadline >= 0) {
                return false;
            }
            pause.run();
        }
    }

    /**
     * The owner: gives the session back — into "the loop has work" ({@link #LOOP}: its request is in the FIFO) or, when
     * nothing of it stayed there, to what was counted meanwhile — and queues on {@code loop} the work its doors deferred
     * meanwhile ({@link #WAITING}); it does not wait for the loop. A tiny method: its own stack frame is all a caller deep
     * in recursion needs.
     */
    void releaseOwned(boolean loopHasWork, EventLoop loop) {
        assert ownedBy(null); // before the release: the next owner's note comes after it
        for (;;) {
            int s = state.get();
            int next = s & ~OWNED;
            if (loopHasWork) {
                next |= LOOP;
            }
            if (state.compareAndSet(s, next)) {
                if ((s & WAITING) != 0) {
                    try {
                        loop.execute(runDeferred);
                    } catch (RejectedExecutionException e) {
                        // the event loop is shut down, and the session with it: nothing left to run. What was deferred
                        // holds no buffers (backend messages hold byte[] and String), so dropping it leaks nothing
                    }
                }
                return;
            }
        }
    }

    /** The owner: its statement was started on its thread (counted for tests; one owner at a time, no update is lost). */
    void startedByOwner() {
        ownedStarts++;
    }

    /** Statements started on the caller's thread so far (tests). */
    long ownedStarts() {
        return ownedStarts;
    }

    /** The word itself (tests). */
    int state() {
        return state.get();
    }
}
