package io.pgconn.internal.loop;

import io.netty.util.concurrent.Ticker;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When a {@link CallerRunEventLoop}'s background thread, not leading, takes the lead (docs/query.md §1): it parks for
 * the linger, or until the timer a leaving leader published, and leads when work cannot wait (tasks, a follower, a
 * shutdown: a leaving caller says so and unparks it), a timer is due, or the lead stayed FREE a whole linger with no
 * caller taking it. A caller's leaving otherwise never wakes it, except to shorten its park to a sooner timer.
 */
final class BackgroundLinger {

    private final long lingerNanos;
    private final Ticker ticker;
    /** The background thread, set when it starts. */
    private volatile Thread background;
    /** How many times a caller took the lead (written by leaders only): the "no caller led" check. */
    private volatile long callerLeads;
    /**
     * A leaving caller woke the background thread because work cannot wait for a linger (tasks,
     * a follower): it must lead at once, not count the caller's lead as a reason to linger again (REVIEW C32-4).
     */
    private volatile boolean driverNeeded;
    /**
     * The next timer's deadline ({@link Ticker} time; -1: none) as the last leader to leave saw it: the background
     * thread, not leading, parks no longer than until then, so a timer runs when due while nobody leads. A timer is no
     * reason to keep or take the lead while callers lead: their turns run due timers (the handler blocks no longer than
     * the next one). Holding the lead for every timer within the linger kept the background thread leading against
     * waiting callers while any timer was near (a session's 100 ms slow-owner check, a long linger): a CI run read
     * 1,709 of 2,000 blocked callers' answers on the background thread.
     */
    private volatile long timerDeadline = -1;
    /** When the background thread's current park ends ({@link Ticker} time): a leaver with an earlier timer unparks it. */
    private volatile long backgroundWakeAt = Long.MAX_VALUE;

    BackgroundLinger(long lingerNanos, Ticker ticker) {
        if (lingerNanos <= 0) {
            throw new IllegalArgumentException("invalid caller-run linger: " + lingerNanos + " ns; expected more than 0");
        }
        this.lingerNanos = lingerNanos;
        this.ticker = ticker;
    }

    /** The background thread, as it starts. */
    void started(Thread thread) {
        background = thread;
    }

    /** The background thread (null before it started). */
    Thread thread() {
        return background;
    }

    /** A caller took the lead (the leader's own counter). */
    void callerLed() {
        callerLeads = callerLeads + 1;
    }

    /** Work cannot wait for the linger (tasks, a follower with nobody leading, a shutdown): the background thread leads at once. */
    void driverNeeded() {
        driverNeeded = true;
        LockSupport.unpark(background);
    }

    /** Unparks the background thread (a task while FREE, a shutdown): it looks at once whether it must lead. */
    void wake() {
        LockSupport.unpark(background);
    }

    /** The leader, leaving: publishes the next timer's deadline ({@code deadline}; -1: none) for the background thread's park. */
    long publishTimer(long deadline) {
        timerDeadline = deadline;
        return deadline;
    }

    /**
     * A caller leaving with nothing that needs a driver now: unparks the background thread only to shorten its park when
     * the published {@code timer} comes before it ends.
     */
    void wakeIfTimerSooner(long timer) {
        if (timer != -1 && timer - backgroundWakeAt < 0) {
            LockSupport.unpark(background);
        }
    }

    /**
     * The background thread, not leading: parks until it must lead — {@code workWaiting} (tasks, a follower, a
     * shutdown), a driver needed, a timer due, or a whole linger with the lead FREE and no caller having taken it.
     */
    void lingerWhileCallersLead(Lead lead, BooleanSupplier workWaiting) {
        long seen = callerLeads;
        long seenAt = ticker.nanoTime();
        for (;;) {
            parkUntilLingerOrTimer();
            long now = ticker.nanoTime();
            if (lead.holder() != null) {
                seen = callerLeads;
                seenAt = now;
                continue;
            }
            long timer = timerDeadline;
            if (driverNeeded || workWaiting.getAsBoolean() || (timer != -1 && timer - now <= 0)
                    || (callerLeads == seen && now - seenAt >= lingerNanos)) {
                driverNeeded = false;
                return;
            }
            if (callerLeads != seen) {
                seen = callerLeads;
                seenAt = now;
            }
        }
    }

    /**
     * Parks for the linger, or until the published timer's deadline when that is sooner and still ahead (a timer already
     * due was the leader's then: its leaving publishes the next). {@link #backgroundWakeAt} is written before the deadline
     * is read and a leaver writes the deadline ({@link #publishTimer}) before it reads the wake time
     * ({@link #wakeIfTimerSooner}): one of the two sees the other's.
     */
    private void parkUntilLingerOrTimer() {
        long now = ticker.nanoTime();
        long wakeAt = now + lingerNanos;
        backgroundWakeAt = wakeAt;
        long timer = timerDeadline;
        if (timer != -1 && timer - now > 0 && timer - wakeAt < 0) {
            wakeAt = timer;
            backgroundWakeAt = wakeAt;
        }
        LockSupport.parkNanos(this, wakeAt - now);
        backgroundWakeAt = Long.MAX_VALUE;
    }
}
