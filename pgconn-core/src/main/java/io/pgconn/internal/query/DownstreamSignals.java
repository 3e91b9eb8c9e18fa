package io.pgconn.internal.query;

import io.pgconn.query.Segment;

import java.util.concurrent.Flow;

/**
 * What a {@link StatementRun} sends its subscriber: segments while there is demand, the ones arriving without it
 * held in {@link HeldSegments} (made on first need: most runs never hold any), the end ({@code onComplete} or
 * {@code onError}) signalled once, after what is held, and a subscriber that throws treated as cancelled (Reactive
 * Streams §2.13). The run's superclass rather than an object of its own: a statement's run stays one object (the query
 * hot path, docs/query.md §8). Event loop only, inside the session's doors.
 */
abstract class DownstreamSignals {

    /** The session the segments come from: a hold pauses its reads. */
    final QuerySession session;
    private final Flow.Subscriber<? super Segment> downstream;
    private HeldSegments held;
    private long demand;
    private boolean draining;
    private boolean terminal;
    private Throwable terminalError;
    /** onComplete/onError was signalled, or the subscriber cancelled: nothing more goes downstream. */
    private boolean signalled;

    DownstreamSignals(QuerySession session, Flow.Subscriber<? super Segment> downstream) {
        this.session = session;
        this.downstream = downstream;
    }

    /** The subscriber's cancel, on the loop in the session's code; also what a throwing {@code onNext} amounts to. */
    abstract void onCancel();

    /** The end is about to go downstream: nothing of the run's clock is needed any more. */
    abstract void endSignalled();

    /** Whether holding a segment pauses the socket's reads (not for a paged run: its exchange asks for each page). */
    abstract boolean pausesReadingWhileHolding();

    final Flow.Subscriber<? super Segment> downstream() {
        return downstream;
    }

    /** onComplete/onError was signalled, or the subscriber cancelled. */
    final boolean signalled() {
        return signalled;
    }

    /** Marks the run signalled; true the first time only (a cancel, a start that failed): nothing more goes downstream. */
    final boolean firstSignal() {
        if (signalled) {
            return false;
        }
        signalled = true;
        return true;
    }

    /** The stream has its end (complete or error), signalled or still behind held segments. */
    final boolean terminal() {
        return terminal;
    }

    /** Adds {@code n > 0} to the demand (saturating at {@code Long.MAX_VALUE}) and delivers what it allows. */
    final void addDemand(long n) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
    }

    /** Whether the exchange should fetch more rows (paging): the subscriber has unmet demand. */
    final boolean wantsMore() {
        return !signalled && noneHeld() && demand > 0;
    }

    /** Delivers {@code segment} now when there is demand and nothing is held before it, else holds it. */
    final void offer(Segment segment) {
        if (signalled) {
            return;
        }
        if (demand > 0 && noneHeld()) {
            demand--;
            deliver(segment);
            return;
        }
        if (held == null) {
            held = new HeldSegments(session, pausesReadingWhileHolding());
        }
        held.hold(segment);
    }

    /** The stream completed: {@code onComplete} follows what is held. */
    final void endCompleted() {
        terminal = true;
        drain();
    }

    /** The stream failed with {@code error}: after what is held, or at once when {@code dropHeld}. */
    final void endFailed(Throwable error, boolean dropHeld) {
        terminal = true;
        terminalError = error;
        if (dropHeld) {
            dropHeld();
        }
        drain();
    }

    /** Drops the segments held for missing demand and resumes reading (a timeout, a cancel, an error not held back). */
    final void dropHeld() {
        if (held != null) {
            held.drop();
        }
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!signalled && demand > 0 && !noneHeld()) {
                demand--;
                deliver(held.next());
            }
            if (noneHeld()) {
                resumeReading();
                if (terminal && !signalled) {
                    signalled = true;
                    endSignalled();
                    try {
                        if (terminalError == null) {
                            downstream.onComplete();
                        } else {
                            downstream.onError(terminalError);
                        }
                    } catch (RuntimeException ignored) {
                        // Reactive Streams §2.13: a subscriber's failure must not break the connection
                    }
                }
            }
        } finally {
            draining = false;
        }
    }

    private boolean noneHeld() {
        return held == null || held.isEmpty();
    }

    private void deliver(Segment segment) {
        try {
            downstream.onNext(segment);
        } catch (RuntimeException e) {
            // Reactive Streams §2.13: a throwing subscriber is treated as cancelled
            onCancel();
        }
    }

    private void resumeReading() {
        if (held != null) {
            held.resumeReading();
        }
    }
}
