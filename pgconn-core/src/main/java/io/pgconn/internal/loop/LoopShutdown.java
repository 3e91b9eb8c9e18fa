package io.pgconn.internal.loop;

import io.netty.channel.IoHandler;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link CallerRunEventLoop}'s end (docs/query.md §1): its state, the graceful shutdown the background thread runs
 * step by step (the quiet period still serves I/O; once shut down, a task from outside is refused or, if its add was
 * under way, run: REVIEW C32-8; then the handler is destroyed and its close tasks run), and the end after a Throwable
 * escaped the background thread (REVIEW C32-5) — handler destroyed, lead freed, followers' waits and the termination
 * future failed.
 */
final class LoopShutdown {

    private static final int STARTED = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int SHUTDOWN = 2;
    private static final int TERMINATED = 3;

    private static final System.Logger LOG = System.getLogger(CallerRunEventLoop.class.getName());

    private final CallerRunEventLoop loop;
    private final IoHandler handler;
    private final Lead lead;
    private final AtomicInteger state = new AtomicInteger(STARTED);
    /** Adds from outside the loop under way: the shutdown's last drain waits for them (they saw the loop running). */
    private final AtomicInteger outsideAdds = new AtomicInteger();
    private final Promise<Void> terminationFuture = new DefaultPromise<>(GlobalEventExecutor.INSTANCE);
    private volatile long quietPeriodNanos;
    private volatile long timeoutNanos;
    /** The background thread's own (it runs the shutdown). */
    private long startTime;

    LoopShutdown(CallerRunEventLoop loop, IoHandler handler, Lead lead) {
        this.loop = loop;
        this.handler = handler;
        this.lead = lead;
    }

    boolean isShuttingDown() {
        return state.get() >= SHUTTING_DOWN;
    }

    boolean isShutdown() {
        return state.get() >= SHUTDOWN;
    }

    boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    Promise<Void> terminationFuture() {
        return terminationFuture;
    }

    /** Any thread: a graceful shutdown (quiet period and timeout in ns) begins; false if one had already. */
    boolean beginGracefully(long quietPeriodNanos, long timeoutNanos) {
        return begin(quietPeriodNanos, timeoutNanos, SHUTTING_DOWN);
    }

    /** Any thread: the deprecated immediate shutdown begins; false if the loop was shut down already. */
    boolean beginNow() {
        return begin(-1, -1, SHUTDOWN);
    }

    private boolean begin(long quietPeriod, long timeout, int shutdownState) {
        for (;;) {
            int s = state.get();
            if (s >= shutdownState) {
                return false;
            }
            if (state.compareAndSet(s, shutdownState)) {
                break;
            }
        }
        if (quietPeriod != -1) {
            quietPeriodNanos = quietPeriod;
        }
        if (timeout != -1) {
            timeoutNanos = timeout;
        }
        return true;
    }

    /**
     * Not the leader: adds {@code task} to {@code tasks} unless the loop is shut down (then refused); the shutdown's last
     * drain waits for an add under way, so a task is either refused or run (REVIEW C32-8).
     */
    void addFromOutside(Queue<Runnable> tasks, Runnable task) {
        outsideAdds.incrementAndGet();
        try {
            if (isShutdown()) {
                throw new RejectedExecutionException("event executor shut down");
            }
            tasks.add(task);
        } finally {
            outsideAdds.decrementAndGet();
        }
    }

    /** The background thread at shutdown: one step of a graceful shutdown; true when the loop terminated. */
    boolean step() {
        loop.runNonBlocking(); // the quiet period still serves I/O: a close's last write, a channel's end (C32-9)
        handler.prepareToDestroy();
        if (!confirm()) {
            return false;
        }
        refuseFromOutside(); // from here on, a task from outside is refused, not left in the queue (C32-8)
        awaitOutsideAdds();
        while (loop.runAllTasks() > 0) {
            // tasks queued before the refusal began
        }
        try {
            handler.destroy();
            while (loop.runAllTasks() > 0) {
                // tasks the destroy queued
            }
        } finally {
            state.set(TERMINATED);
            lead.free();
            terminationFuture.setSuccess(null);
        }
        return true;
    }

    private boolean confirm() {
        loop.cancelTimers();
        if (startTime == 0) {
            startTime = loop.ticker().nanoTime();
        }
        if (loop.runAllTasks() > 0) {
            return isShutdown() || quietPeriodNanos == 0;
        }
        long now = loop.ticker().nanoTime();
        if (isShutdown() || now - startTime > timeoutNanos) {
            return true;
        }
        if (now - loop.lastExecutionTime() <= quietPeriodNanos) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // the quiet period: tasks may still come
            return false;
        }
        return true;
    }

    private void refuseFromOutside() {
        if (state.get() < SHUTDOWN) {
            state.set(SHUTDOWN);
        }
    }

    private void awaitOutsideAdds() {
        while (outsideAdds.get() != 0) {
            Thread.onSpinWait(); // an add that saw the loop running: its task is in the queue when the count drops
        }
    }

    /**
     * The background thread after a Throwable escaped its loop (REVIEW C32-5): logged; the loop ends as a shutdown
     * ends — the handler destroyed (its channels closed, their close tasks run), the lead set FREE, the termination
     * future failed — so that no follower waits on a lead held by a dead thread and no descriptor leaks.
     */
    void endAfter(Throwable t, Thread me) {
        LOG.log(System.Logger.Level.ERROR, "caller-run event loop " + me.getName() + " failed; it shuts down", t);
        if (terminationFuture.isDone()) {
            return; // the shutdown's own destroy threw after it terminated the loop: nothing left to end (REVIEW R33b-4)
        }
        refuseFromOutside(); // tasks from outside refused from here on
        Thread leader = lead.holder();
        boolean mine = leader == me || (leader == null && lead.take(me));
        if (mine) {
            EventExecutor old = ThreadExecutorMap.setCurrentExecutor(loop);
            try {
                awaitOutsideAdds(); // as the shutdown's last drain: every accepted task runs (C32-8)
                loop.cancelTimers();
                handler.prepareToDestroy();
                handler.destroy();
                while (loop.runAllTasks() > 0) {
                    // the close tasks the destroy queued
                }
            } catch (Throwable again) {
                t.addSuppressed(again);
            } finally {
                ThreadExecutorMap.setCurrentExecutor(old);
            }
        }
        state.set(TERMINATED);
        if (mine) {
            lead.free(); // a caller leading now keeps its lead: it sees the state and leaves
        }
        terminationFuture.tryFailure(t);
        lead.failFollowers("the event loop " + me.getName() + " failed", t);
    }
}
