package io.pgconn.bench;

import io.pgconn.FutureFailures;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The measuring loops, the same for every client: {@link System#nanoTime()} around one blocking
 * wait per operation, a warm-up of the same loop first.
 *
 * <p>Connect latency is timed from the call to the open connection; the connection is then closed
 * (its close timed separately), and the loop waits until the server's backend process has exited
 * (plus {@code pause}) before the next connect. Clients differ in whether close() waits for the
 * server (vertx waits for its end of the socket, pgjdbc and pgconn do not); without the wait the
 * next connect of a client that returns early competes with the exiting backend for the CPU, which
 * on a small machine costs milliseconds, and close cost would leak into connect time. Client CPU
 * is the JVM's process CPU time from before connect to after close (the wait excluded).
 */
final class Measure {

    /**
     * @param pause                pause after each connect+close iteration
     * @param inFlight             concurrent connects for the throughput scenario (and while opening idle connections)
     * @param keepQueryConnections the query loops run on one connection per scenario, opened by its first
     *                             loop (the warm-up) and kept until {@link #release}: the connection measured is
     *                             the one warmed up (statement caches filled, the JIT past a new connection's
     *                             first statements, which take branches steady state never does). Without it
     *                             each loop opens and closes its own connection (the profiling drivers).
     */
    record Settings(Duration pause, int inFlight, boolean keepQueryConnections) {
        Settings(Duration pause, int inFlight) {
            this(pause, inFlight, false);
        }
    }

    private final Client client;
    private final Settings settings;
    private final Map<Target, Client.Source> sources = new EnumMap<>(Target.class);
    /** With {@link Settings#keepQueryConnections}: the open connection of each query scenario. */
    private final Map<Scenario, Object> kept = new EnumMap<>(Scenario.class);

    Measure(Client client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    /**
     * Runs connect+close for {@code time} or {@code maxIterations}; with {@code connects} non-null the
     * timings are added there (and close timings to {@code closes}), else it is a warm-up.
     * {@code fresh}: a new source per connect (no memory of earlier connects).
     */
    long connectLoop(Target target, boolean fresh, Duration time, int maxIterations, Samples connects, Samples closes) {
        long cpu = 0;
        Client.Source shared = fresh ? null : sources.computeIfAbsent(target, t -> client.source(t, false));
        long end = System.nanoTime() + time.toNanos();
        int i = 0;
        while (i < maxIterations && System.nanoTime() < end) {
            Client.Source source = shared != null ? shared : client.source(target, true);
            try {
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                Object connection = source.connect().join();
                long t1 = System.nanoTime();
                int pid = client.backendPid(connection).join();
                long t2 = System.nanoTime();
                client.close(connection).join();
                long t3 = System.nanoTime();
                cpu += processCpuNanos() - c0;
                if (connects != null) {
                    connects.add(t1 - t0);
                    closes.add(t3 - t2);
                }
                awaitBackendExit(pid);
            } finally {
                if (shared == null) {
                    source.close();
                }
            }
            i++;
            pause();
        }
        return cpu;
    }

    /**
     * Waits (bounded) until the server process of a closed connection is gone, so that the next
     * connect never competes with a backend's exit, whenever the client's close returns.
     */
    static void awaitBackendExit(int pid) {
        Path proc = Path.of("/proc/" + pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (Files.exists(proc) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Looked up once: the lookup costs more than the reading, inside every client's measured CPU window. */
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU time of this whole JVM (all threads, GC and JIT included). */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    private void pause() {
        long nanos = settings.pause().toNanos();
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /** SELECT 1 on one connection opened for this batch; timings to {@code times} unless warming up. */
    long selectOneLoop(Duration time, int maxIterations, Samples times) {
        Client.Source source = sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false));
        Object connection = source.connect().join();
        long cpu0 = processCpuNanos();
        try {
            long end = System.nanoTime() + time.toNanos();
            int n = 0;
            while (n < maxIterations && System.nanoTime() < end) {
                long t0 = System.nanoTime();
                client.selectOne(connection).join();
                long t1 = System.nanoTime();
                if (times != null) {
                    times.add(t1 - t0);
                }
                n++;
            }
            return processCpuNanos() - cpu0;
        } finally {
            client.close(connection).join();
        }
    }

    /**
     * {@code inFlight} lanes of connect → SELECT 1 → close (pgbench -C -f select1) for {@code time};
     * returns the cycles completed and the nanoseconds the lanes ran.
     */
    long[] inFlightBatch(Duration time) throws InterruptedException {
        Client.Source source = sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(settings.inFlight());
        long t0 = System.nanoTime();
        for (int lane = 0; lane < settings.inFlight(); lane++) {
            if (client.blocking()) {
                Thread t = new Thread(() -> {
                    while (running.get() && failure.get() == null) {
                        cycle(source).whenComplete((v, e) -> count(done, failure, e)).exceptionally(e -> null).join();
                    }
                    stopped.countDown();
                }, "bench-lane-" + lane);
                t.start();
            } else {
                asyncLane(source, running, done, failure, stopped);
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

    private CompletableFuture<Void> cycle(Client.Source source) {
        return source.connect().thenCompose(c -> client.selectOne(c).thenCompose(v -> client.close(c)));
    }

    private static void count(AtomicLong done, AtomicReference<Throwable> failure, Throwable e) {
        if (e == null) {
            done.incrementAndGet();
        } else {
            failure.compareAndSet(null, e);
        }
    }

    private void asyncLane(Client.Source source, AtomicBoolean running, AtomicLong done, AtomicReference<Throwable> failure,
                           CountDownLatch stopped) {
        if (!running.get() || failure.get() != null) {
            stopped.countDown();
            return;
        }
        cycle(source).whenComplete((v, e) -> {
            count(done, failure, e);
            asyncLane(source, running, done, failure, stopped);
        });
    }

    /** Heap retained per idle connection: used heap after full GCs, before and with N connections open. */
    Result heapPerIdleConnection(int connections) throws InterruptedException {
        Client.Source source = sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false));
        client.close(source.connect().join()).join(); // classes loaded, event loops started
        long before = usedHeapAfterGc();
        List<Object> open = openIdle(source, connections);
        long after = usedHeapAfterGc();
        for (Object c : open) {
            client.close(c).join();
        }
        return Result.ofValue(client.name(), Scenario.HEAP_PER_IDLE, open.size(), (after - before) / (double) open.size());
    }

    private List<Object> openIdle(Client.Source source, int count) throws InterruptedException {
        List<Object> open = java.util.Collections.synchronizedList(new ArrayList<>());
        Semaphore slots = new Semaphore(settings.inFlight());
        List<CompletableFuture<Object>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            CompletableFuture<Object> f = source.connect();
            f.whenComplete((c, e) -> {
                if (c != null) {
                    open.add(c);
                }
                slots.release();
            });
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(open);
    }

    // ---------------------------------------------------------------- the query path (QueryWork), on one open connection

    /** One-row selects by a random primary key; latencies to {@code times} unless warming up. */
    long queryPkLoop(Duration time, int maxIterations, Samples times) {
        return queryPkLoop(Scenario.QUERY_PK, time, maxIterations, times);
    }

    private long queryPkLoop(Scenario scenario, Duration time, int maxIterations, Samples times) {
        return onOpenConnection(scenario, connection -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(42);
            long end = System.nanoTime() + time.toNanos();
            for (int n = 0; n < maxIterations && System.nanoTime() < end; n++) {
                int id = 1 + random.nextInt(QueryWork.PK_ROWS);
                long t0 = System.nanoTime();
                client.selectByPk(connection, id).join();
                long t1 = System.nanoTime();
                if (times != null) {
                    times.add(t1 - t0);
                }
            }
        });
    }

    /**
     * The selects of {@link #queryPkLoop}, each issued from the previous one's completion (for an
     * asynchronous client: on its event loop, where its future completes); a blocking client's
     * futures complete on the caller, so it runs {@link #queryPkLoop} (its idiom already).
     */
    long queryPkChain(Duration time, int maxIterations, Samples times) {
        if (client.blocking()) {
            return queryPkLoop(Scenario.QUERY_PK_CHAINED, time, maxIterations, times);
        }
        return onOpenConnection(Scenario.QUERY_PK_CHAINED, connection -> new PkChain(connection, System.nanoTime() + time.toNanos(), maxIterations, times).run());
    }

    /** One select after another, the next started in the completion callback of the last. */
    private final class PkChain {
        private final Object connection;
        private final long end;
        private final int maxIterations;
        private final Samples times;
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private int n;

        PkChain(Object connection, long end, int maxIterations, Samples times) {
            this.connection = connection;
            this.end = end;
            this.maxIterations = maxIterations;
            this.times = times;
        }

        void run() {
            next();
            done.join();
        }

        private void next() {
            if (n++ >= maxIterations || System.nanoTime() >= end) {
                done.complete(null);
                return;
            }
            int id = 1 + random.nextInt(QueryWork.PK_ROWS);
            long t0 = System.nanoTime();
            client.selectByPk(connection, id).whenComplete((ignored, failure) -> {
                long t1 = System.nanoTime();
                if (failure != null) {
                    done.completeExceptionally(failure);
                    return;
                }
                if (times != null) {
                    times.add(t1 - t0);
                }
                next();
            });
        }
    }

    /**
     * Whole reads of the 1,000-row table: each read's latency to {@code times}, and the bytes every
     * thread of this JVM allocated (event loops included) added to {@code allocated[0]}, rows to
     * {@code allocated[1]}.
     */
    long queryRowsLoop(Duration time, int maxIterations, Samples times, long[] allocated) {
        return onOpenConnection(Scenario.QUERY_ROWS, connection -> {
            long end = System.nanoTime() + time.toNanos();
            for (int n = 0; n < maxIterations && System.nanoTime() < end; n++) {
                long a0 = allocatedBytes();
                long t0 = System.nanoTime();
                int rows = client.selectRows(connection).join();
                long t1 = System.nanoTime();
                long a1 = allocatedBytes();
                if (rows != 1000) {
                    throw new IllegalStateException(client.name() + " read " + rows + " rows of bench_wide, expected 1000");
                }
                if (times != null) {
                    times.add(t1 - t0);
                    allocated[0] += a1 - a0;
                    allocated[1] += rows;
                }
            }
        });
    }

    /** Batches of 2,560 inserts with 256 in flight; statements and nanoseconds added to {@code done}. */
    long pipelinedInsertLoop(Duration time, long[] done) {
        return onOpenConnection(Scenario.PIPELINED_INSERTS, connection -> {
            long end = System.nanoTime() + time.toNanos();
            do {
                long t0 = System.nanoTime();
                client.insertPipelined(connection, 2560, 256).join();
                long t1 = System.nanoTime();
                if (done != null) {
                    done[0] += 2560;
                    done[1] += t1 - t0;
                }
            } while (System.nanoTime() < end);
        });
    }

    /**
     * Streamed reads of 100,000 rows: the live heap (used after a full GC) at row 50,000 minus the
     * live heap before the read; the largest such difference to {@code peak[0]}, rows and
     * nanoseconds to {@code peak[1]}, {@code peak[2]}.
     */
    long streamLoop(Duration time, long[] peak) {
        return onOpenConnection(Scenario.STREAM_ROWS, connection -> {
            long end = System.nanoTime() + time.toNanos();
            do {
                long before = liveHeap();
                long[] midway = new long[1];
                long t0 = System.nanoTime();
                int rows = client.streamRows(connection, () -> midway[0] = liveHeap()).join();
                long t1 = System.nanoTime();
                if (rows != QueryWork.STREAM_TOTAL) {
                    throw new IllegalStateException(client.name() + " streamed " + rows + " rows, expected " + QueryWork.STREAM_TOTAL);
                }
                if (peak != null) {
                    peak[0] = Math.max(peak[0], midway[0] - before);
                    peak[1] += rows;
                    peak[2] += t1 - t0;
                }
            } while (System.nanoTime() < end);
        });
    }

    /** Runs {@code work} on the scenario's kept connection (opened if need be), or on a connection of its own; returns process CPU. */
    private long onOpenConnection(Scenario scenario, java.util.function.Consumer<Object> work) {
        Client.Source source = client.querySource(scenario, sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false)));
        boolean keep = settings.keepQueryConnections();
        Object connection = keep ? kept.computeIfAbsent(scenario, s -> source.connect().join()) : source.connect().join();
        long cpu0 = processCpuNanos();
        boolean done = false;
        try {
            work.accept(connection);
            done = true;
            return processCpuNanos() - cpu0;
        } finally {
            if (!keep || !done) { // a failed loop may leave its connection anywhere: the next one starts on a new one
                kept.remove(scenario);
                client.close(connection).join();
            }
        }
    }

    /** Closes the connection kept for {@code scenario}, if any (after its last measured turn). */
    void release(Scenario scenario) {
        Object connection = kept.remove(scenario);
        if (connection != null) {
            client.close(connection).join();
        }
    }

    // ---------------------------------------------------------------- Spring Data (SpringDataWork), requests in flight

    /**
     * {@code lanes} request loops at once for {@code time}, each starting its next request when the
     * last one ends: every request's latency to {@code times} and, unless warming up, requests and
     * wall-clock nanoseconds (from the first start to the last end) added to {@code done}.
     */
    long concurrentLoop(Duration time, int lanes, java.util.function.LongFunction<CompletableFuture<?>> request, Samples times,
                        long[] done) throws InterruptedException {
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long end = t0 + time.toNanos();
        AtomicLong sequence = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            requestLane(request, end, sequence, times, failure, stopped);
        }
        if (!stopped.await(time.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(client.name() + ": requests still running 30 s after the end of the batch (a hang)");
        }
        long t1 = System.nanoTime();
        if (failure.get() != null) {
            Throwable cause = FutureFailures.unwrap(failure.get());
            throw new IllegalStateException(client.name() + ": a request failed: " + cause, cause);
        }
        if (done != null) {
            synchronized (times) {
                done[0] += sequence.get();
                done[1] += t1 - t0;
            }
        }
        return processCpuNanos() - cpu0;
    }

    private static void requestLane(java.util.function.LongFunction<CompletableFuture<?>> request, long end, AtomicLong sequence,
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

    /** Bytes allocated so far by all live threads of this JVM (HotSpot's per-thread counters). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** Used heap right after a full GC: what is reachable (called from whichever thread delivers the row). */
    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Closes the sources kept across batches. */
    void close() {
        for (Scenario s : List.copyOf(kept.keySet())) {
            release(s);
        }
        sources.values().forEach(Client.Source::close);
        sources.clear();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
