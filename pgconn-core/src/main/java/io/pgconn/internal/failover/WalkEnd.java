package io.pgconn.internal.failover;

/**
 * Whether a {@link ConnectWalk} has ended, and its attempt in flight, under one lock, so that the walk's trace
 * tells one story (docs/lifecycle.md §7): every attempt started ends once — by its own outcome, or, when the walk
 * ends first (connectTimeout, the caller's cancel, the factory's close), as abandoned with the walk's reason —,
 * ConnectEnded comes last, and no attempt starts after the end. The attempts' events come from the walk's loop,
 * the end may come from the caller's thread (a cancel): the lock orders the two, and publishes the count of
 * attempts to ConnectEnded. The tracer's callbacks for attempts run under the lock (a tracer must be fast).
 */
final class WalkEnd {

    private final WalkTrace trace;
    /** Set before ConnectEnded is traced; no attempt starts, and no attempt's event is traced, once it is set. */
    private boolean ended;
    /** The attempt started and not yet ended, whose end the walk's end traces if it comes first. */
    private HostAttempt inFlight;

    WalkEnd(WalkTrace trace) {
        this.trace = trace;
    }

    /** Whether the walk has ended (an outcome, connectTimeout, the caller's or the closing factory's cancel). */
    synchronized boolean hasEnded() {
        return ended;
    }

    /**
     * Starts {@code attempt} unless the walk has ended: in flight first, then its start traced — so a cancel from the
     * tracer's callback ends it too.
     *
     * @return whether it started; if not, its timer is stopped and nothing of it is traced
     */
    synchronized boolean start(HostAttempt attempt, int pass, boolean tls) {
        if (ended) {
            attempt.abandon();
            return false;
        }
        inFlight = attempt;
        trace.hostAttemptStarted(attempt.host(), attempt.address(), pass, tls);
        return true;
    }

    /**
     * Traces the end of {@code attempt} — the one in flight, or null for a host name that did not resolve — with
     * {@code event}, unless the walk has ended (then the walk's end traced the attempt as abandoned).
     *
     * @return whether the outcome is the attempt's to report
     */
    synchronized boolean settle(HostAttempt attempt, Runnable event) {
        if (ended || inFlight != attempt) {
            return false;
        }
        inFlight = null;
        event.run();
        return true;
    }

    /**
     * Ends the walk once, before ConnectEnded is traced: an attempt in flight ends now, traced with {@code reason} —
     * the timeout, the caller's cancel, the closing factory, null when the walk ended by an outcome (then none is in
     * flight) —; its late outcome is closed, not reported.
     *
     * @return whether this call ended the walk
     */
    synchronized boolean end(Throwable reason) {
        if (ended) {
            return false;
        }
        ended = true;
        HostAttempt abandoned = inFlight;
        inFlight = null;
        if (abandoned != null) {
            abandoned.abandon();
            trace.hostAttemptAbandoned(abandoned.host(), abandoned.address(), reason, abandoned.elapsed());
        }
        return true;
    }
}
