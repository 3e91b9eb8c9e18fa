package io.pgconn.internal.session;

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
 * session's code is a door ({@link #enter}/{@link #exit}, nested on a loop-local depth): a door entered without the
 * loop's count marks the loop {@link #INSIDE}, and {@link #quiet} inside a door turns the count into that mark in one
 * step. A caller owns the session ({@link #OWNED}) only from zero — nothing counted, the loop outside the session's
 * code, not closed — and releases it into "the loop has work" ({@link #releaseOwned}); meanwhile a door entered from
 * outside, and the queueing of a submit, wait for the release (the owner's section is short and never waits for the
 * loop). The release's write and the loop's read of this word at its next door are the happens-before the loop needs
 * to see what the owner did. The pipelined path, where the loop holds its count throughout, pays one volatile read per
 * door and no atomic update.
 */
final class SessionGate {

    /** A caller took the close: no work starts any more. */
    static final int CLOSED = 1 << 30;
    /** A caller owns the session's state (a statement started on its thread). */
    static final int OWNED = 1 << 29;
    /** The loop is in the session's code without holding its count. */
    static final int INSIDE = 1 << 28;
    /** The loop holds its count: it has work (in flight, queued, encoded or unsent). */
    static final int LOOP = 1 << 27;
    /** The submits counted in and not yet queued. */
    private static final int SUBMITS = LOOP - 1;
    /** Spins of a loop door waiting for an owner before it yields its CPU instead. */
    private static final int SPINS_BEFORE_YIELD = 200;

    private final AtomicInteger state = new AtomicInteger();
    /** How deep the loop is in nested doors (event loop only). */
    private int depth;
    /** Statements started on the caller's thread (tests: that the caller's way was taken). */
    private volatile long ownedStarts;

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
     * Event loop, when a submitted exchange is queued: its count becomes the loop's while the loop has work. Waits while
     * a caller owns the session.
     */
    void queued() {
        for (;;) {
            int s = state.get();
            if ((s & OWNED) != 0) {
                awaitRelease();
                continue;
            }
            int next = (s & LOOP) != 0 ? s - 1 : (s - 1) | LOOP;
            if (state.compareAndSet(s, next)) {
                return;
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
     * Event loop: enters the session's code. From outside every door, waits while a caller owns the session, then
     * marks the loop inside unless it holds its count (or a caller took the close: no owner can come then).
     */
    void enter() {
        if (depth++ > 0) {
            return;
        }
        for (;;) {
            int s = state.get();
            if ((s & (LOOP | CLOSED)) != 0) {
                return;
            }
            if ((s & OWNED) != 0) {
                awaitRelease();
                continue;
            }
            if (state.compareAndSet(s, s | INSIDE)) {
                return;
            }
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

    /** Event loop: whether it is inside a door now (assertions of the session's loop-only code). */
    boolean loopInside() {
        return depth > 0;
    }

    /**
     * Whether this thread may touch the session's loop-only state now (assertions): the loop inside one of the
     * session's doors, or (not the loop) while a caller owns the session.
     */
    boolean mayTouchState(boolean onLoop) {
        return onLoop ? depth > 0 : (state.get() & OWNED) != 0;
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

    /** Whether a caller took the close: a close on the caller's thread was made (tests). */
    boolean closedByCaller() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * A thread that is not the loop: owns the session when nothing is counted, the loop is outside the session's code
     * and no close was taken. While the loop is only finishing a door (the completion that woke this caller, most
     * often), waits for it up to {@code spinNanos}; false at once otherwise (the statement takes the loop's way).
     */
    boolean own(long spinNanos) {
        long deadline = 0;
        for (;;) {
            int s = state.get();
            if (s == 0) {
                if (state.compareAndSet(0, OWNED)) {
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
            Thread.onSpinWait();
        }
    }

    /**
     * The owner: gives the session back — into "the loop has work" ({@link #LOOP}: its request is in the FIFO) or, when
     * nothing of it stayed there, to what was counted meanwhile.
     */
    void releaseOwned(boolean loopHasWork) {
        for (;;) {
            int s = state.get();
            int next = s & ~OWNED;
            if (loopHasWork) {
                next |= LOOP;
            }
            if (state.compareAndSet(s, next)) {
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

    /** Event loop: the owner's section is short (encode, one send) and never waits for the loop. */
    private void awaitRelease() {
        for (int i = 0; (state.get() & OWNED) != 0; i++) {
            if (i < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
