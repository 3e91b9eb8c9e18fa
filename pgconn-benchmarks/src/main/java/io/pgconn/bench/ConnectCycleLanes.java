package io.pgconn.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connect throughput with connects in flight (pgbench -C -f select1): {@code lanes} loops of connect →
 * SELECT 1 → close at once, each starting its next cycle when the last one ended — a thread per lane
 * for a blocking client, a callback chain for the others.
 */
final class ConnectCycleLanes {

    private final Client client;
    private final Client.Source source;
    private final int lanes;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong done = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped;

    ConnectCycleLanes(Client client, Client.Source source, int lanes) {
        this.client = client;
        this.source = source;
        this.lanes = lanes;
        this.stopped = new CountDownLatch(lanes);
    }

    /** Runs the lanes for {@code time}; returns the cycles completed and the nanoseconds the lanes ran. Once. */
    long[] run(Duration time) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int lane = 0; lane < lanes; lane++) {
            if (client.blocking()) {
                Thread t = new Thread(() -> {
                    while (running.get() && failure.get() == null) {
                        cycle().whenComplete((v, e) -> count(e)).exceptionally(e -> null).join();
                    }
                    stopped.countDown();
                }, "bench-lane-" + lane);
                t.start();
            } else {
                asyncLane();
            }
        }
        Thread.sleep(time.toMillis());
        running.set(false);
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(client.name() + ": in-flight lanes did not stop");
        }
        long t1 = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException(client.name() + ": in-flight connect failed", failure.get());
        }
        return new long[] {done.get(), t1 - t0};
    }

    private CompletableFuture<Void> cycle() {
        return source.connect().thenCompose(c -> client.selectOne(c).thenCompose(v -> client.close(c)));
    }

    private void count(Throwable e) {
        if (e == null) {
            done.incrementAndGet();
        } else {
            failure.compareAndSet(null, e);
        }
    }

    private void asyncLane() {
        if (!running.get() || failure.get() != null) {
            stopped.countDown();
            return;
        }
        cycle().whenComplete((v, e) -> {
            count(e);
            asyncLane();
        });
    }
}
