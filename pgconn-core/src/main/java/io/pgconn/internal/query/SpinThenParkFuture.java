package io.pgconn.internal.query;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A statement's future whose blocking waits ({@link #join()}, {@link #get()}, {@link #get(long, TimeUnit)})
 * spin with {@link Thread#onSpinWait()} for up to {@code spinNanos} before parking as a plain future
 * does — the {@code blockingWaitSpin} setting (docs/query.md §1). The spin ends as soon as the future
 * is done, the thread is interrupted, or a {@code get} timeout would pass; an event loop thread never
 * spins (it would hold the CPU a loop's I/O needs). Zero spins not at all. Stages made from it spin
 * the same way.
 */
class SpinThenParkFuture<T> extends CompletableFuture<T> {

    private final long spinNanos;

    SpinThenParkFuture(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    @Override
    public T join() {
        spin(spinNanos);
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        spin(spinNanos);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long budget = unit.toNanos(timeout);
        long start = System.nanoTime();
        spin(Math.min(spinNanos, budget));
        return super.get(budget - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return spinNanos > 0 ? new SpinThenParkFuture<>(spinNanos) : super.newIncompleteFuture();
    }

    /** Whether a blocking wait on this thread would spin (a spin is set and this is no event loop). */
    final boolean spinsOnThisThread() {
        return spinNanos > 0 && !(ThreadExecutorMap.currentExecutor() instanceof EventLoop);
    }

    private void spin(long nanos) {
        if (nanos <= 0 || isDone() || !spinsOnThisThread()) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        Thread self = Thread.currentThread();
        while (!isDone() && !self.isInterrupted() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
