package io.pgconn.bench;

import io.pgconn.FutureFailures;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Requests in flight (the Spring Data scenarios, SpringDataWork): {@code lanes} request loops at once,
 * each starting its next request in the completion of the last, until a deadline.
 */
final class RequestLanes {

    private final String clientName;
    private final int lanes;
    /** The n-th request of the batch (n counts over all lanes). */
    private final LongFunction<CompletableFuture<?>> request;

    RequestLanes(String clientName, int lanes, LongFunction<CompletableFuture<?>> request) {
        this.clientName = clientName;
        this.lanes = lanes;
        this.request = request;
    }

    /**
     * Runs the lanes for {@code time}: every request's latency to {@code times} and, unless warming up
     * ({@code done} null), requests and wall-clock nanoseconds (from the first start to the last end) added to
     * {@code done}, and the bytes every thread allocated meanwhile ({@code done[2]}); returns the process CPU the batch took.
     */
    long run(Duration time, Samples times, long[] done) throws InterruptedException {
        long allocated0 = Measure.allocatedBytes();
        long cpu0 = Measure.processCpuNanos();
        long t0 = System.nanoTime();
        long end = t0 + time.toNanos();
        AtomicLong sequence = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            requestLane(request, end, sequence, times, failure, stopped);
        }
        if (!stopped.await(time.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(clientName + ": requests still running 30 s after the end of the batch (a hang)");
        }
        long t1 = System.nanoTime();
        long cpu = Measure.processCpuNanos() - cpu0;
        long allocated = Measure.allocatedBytes() - allocated0;
        if (failure.get() != null) {
            Throwable cause = FutureFailures.unwrap(failure.get());
            throw new IllegalStateException(clientName + ": a request failed: " + cause, cause);
        }
        if (done != null) {
            synchronized (times) {
                done[0] += sequence.get();
                done[1] += t1 - t0;
                done[2] += allocated;
            }
        }
        return cpu;
    }

    private static void requestLane(LongFunction<CompletableFuture<?>> request, long end, AtomicLong sequence,
                                    Samples times, AtomicReference<Throwable> failure, CountDownLatch stopped) {
        if (System.nanoTime() >= end || failure.get() != null) {
            stopped.countDown();
            return;
        }
        long t0 = System.nanoTime();
        CompletableFuture<?> f;
        try {
            f = request.apply(sequence.getAndIncrement());
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            stopped.countDown();
            return;
        }
        f.whenComplete((v, e) -> {
            long t1 = System.nanoTime();
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (times != null) {
                synchronized (times) {
                    times.add(t1 - t0);
                }
            }
            requestLane(request, end, sequence, times, failure, stopped);
        });
    }
}
