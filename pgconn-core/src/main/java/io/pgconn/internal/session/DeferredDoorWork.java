package io.pgconn.internal.session;

import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The work of a session's doors deferred while a caller owns the session ({@link SessionGate#enterOrDefer}): kept in
 * the order the doors were reached, run in that order once the owner's release queued it ({@link #runAll}), and an
 * owner that holds the session longer than {@link SessionGate#SLOW_OWNER_MILLIS} logged once per session (a preempted
 * caller's thread; an Error that left the session owned). The gate's word says whether there is such work
 * ({@link SessionGate#WAITING}); this is the work itself. Event loop only.
 */
final class DeferredDoorWork {

    /** The gate's logger: the slow-owner line is the gate's, as it was before the deferral had a class of its own. */
    private static final System.Logger LOG = System.getLogger(SessionGate.class.getName());

    /** The session's host, for the log lines. */
    private final String host;
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    /** Counts the times work was deferred: the slow-owner check tells one wait from the next. */
    private long waits;
    /** Whether a slow owner was logged already. */
    private boolean slowOwnerLogged;

    DeferredDoorWork(String host) {
        this.host = host;
    }

    /** Whether work deferred earlier has not run yet: a later door's work keeps its place behind it. */
    boolean pending() {
        return !deferred.isEmpty();
    }

    /**
     * {@code task} runs in the session's code once the owner gave the session back, after the work deferred before it;
     * the first of a wait schedules the slow-owner check on {@code loop}.
     */
    void add(Runnable task, EventLoop loop) {
        if (deferred.isEmpty()) {
            long wait = ++waits;
            if (!slowOwnerLogged) {
                loop.schedule(() -> stillWaiting(wait), SessionGate.SLOW_OWNER_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
        deferred.add(task);
    }

    private void stillWaiting(long wait) {
        if (wait == waits && !deferred.isEmpty() && !slowOwnerLogged) {
            slowOwnerLogged = true;
            LOG.log(System.Logger.Level.WARNING, () -> "the session to " + host + " has been owned by a caller starting a"
                    + " statement on its own thread for over " + SessionGate.SLOW_OWNER_MILLIS + " ms (its thread preempted,"
                    + " or an Error left it owned): the session's event-loop work waits for it, the loop's other connections"
                    + " do not; logged once per connection");
        }
    }

    /**
     * Runs the deferred work in order, work deferred while it runs included (the caller is inside a door). A task that
     * throws is logged and the rest still runs, as the event loop does with its tasks.
     */
    void runAll() {
        for (Runnable task = deferred.poll(); task != null; task = deferred.poll()) {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "a session task deferred for a caller's start failed on " + host, e);
            }
        }
    }
}
