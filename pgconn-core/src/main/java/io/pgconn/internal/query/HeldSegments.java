package io.pgconn.internal.query;

import io.pgconn.query.Segment;

import java.util.ArrayDeque;

/**
 * The segments of one run that arrived without demand, in protocol order, and the pause of the
 * socket's reads while any are held: the server then blocks on its full send buffer, so what is held
 * is bounded by one read, not by the result's size. A paged run (a fetch size) holds without pausing:
 * its exchange asks for the next page only when there is demand. Made by {@link StatementRun} on first
 * need (most runs never hold any). Event loop only.
 */
final class HeldSegments {

    private final QuerySession session;
    /** Whether holding pauses the socket's reads: false for a paged run. */
    private final boolean pausesReading;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private boolean paused;

    HeldSegments(QuerySession session, boolean pausesReading) {
        this.session = session;
        this.pausesReading = pausesReading;
    }

    /** Holds {@code segment} behind the ones held before it, pausing the socket's reads if not yet. */
    void hold(Segment segment) {
        segments.add(segment);
        if (!paused && pausesReading) {
            paused = true;
            session.pauseReading(this);
        }
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The oldest segment held, taken out; null when none is. */
    Segment next() {
        return segments.poll();
    }

    /** Drops what is held (a cancel, a timeout, an error that is not held back) and resumes reading. */
    void drop() {
        segments.clear();
        resumeReading();
    }

    /** Ends this run's pause of the socket's reads, if it made one (nothing is held any more). */
    void resumeReading() {
        if (paused) {
            paused = false;
            session.resumeReading(this);
        }
    }
}
