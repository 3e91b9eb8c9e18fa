package io.pgconn.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
     * returns the cycles completed and the nanoseconds the lanes ran ({@link ConnectCycleLanes}).
     */
    long[] inFlightBatch(Duration time) throws InterruptedException {
        Client.Source source = sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false));
        return new ConnectCycleLanes(client, source, settings.inFlight()).run(time);
    }

    /** Heap retained per idle connection ({@link IdleConnectionHeap}). */
    Result heapPerIdleConnection(int connections) throws InterruptedException {
        Client.Source source = sources.computeIfAbsent(Target.TRUST, t -> client.source(t, false));
        return new IdleConnectionHeap(client, source, settings.inFlight()).measure(connections);
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

    /** Statements per call of the pipelined scenarios: the pipeline drains to zero at the end of each. */
    static final int PIPELINED_BATCH = 2560;

    /**
     * Batches of {@value #PIPELINED_BATCH} statements, pipelined: PIPELINED_INSERTS' inserts with 256 in flight, or a
     * PIPELINED_PK_* scenario's primary-key selects ({@link Scenario#pipelineDepth()} in flight); statements and
     * nanoseconds added to {@code done}.
     */
    long pipelinedLoop(Scenario scenario, Duration time, long[] done) {
        return onOpenConnection(scenario, connection -> {
            long end = System.nanoTime() + time.toNanos();
            do {
                long t0 = System.nanoTime();
                (scenario == Scenario.PIPELINED_INSERTS ? client.insertPipelined(connection, PIPELINED_BATCH, 256)
                        : client.selectPkPipelined(connection, PIPELINED_BATCH, scenario.pipelineDepth())).join();
                long t1 = System.nanoTime();
                if (done != null) {
                    done[0] += PIPELINED_BATCH;
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

    /** COPY_IN's input, built once per JVM (outside every timed part). */
    private static byte[] copyData;

    /**
     * Whole copies of {@value QueryWork#COPY_ROWS} rows (COPY_IN: {@link QueryWork#copyData()} into the table
     * {@code check} truncates first; COPY_OUT: every row read), at least one per call: each copy's latency to
     * {@code times}; bytes every thread of this JVM allocated during the copies to {@code acc[0]}, rows to
     * {@code acc[1]}, nanoseconds to {@code acc[2]}. Outside the timed part: the truncate, and the checks that the
     * client reported (COPY_IN: and the table holds) {@value QueryWork#COPY_ROWS} rows. Returns the process CPU of
     * the copies alone (the check connection's work left out).
     */
    long copyLoop(Scenario scenario, Duration time, int maxIterations, Samples times, long[] acc, CopyTableCheck check) {
        boolean in = scenario == Scenario.COPY_IN;
        if (in && copyData == null) {
            copyData = QueryWork.copyData();
        }
        byte[] data = copyData;
        long[] cpu = new long[1];
        onOpenConnection(scenario, connection -> {
            long end = System.nanoTime() + time.toNanos();
            int n = 0;
            do {
                if (in) {
                    check.truncate();
                }
                long c0 = processCpuNanos();
                long a0 = allocatedBytes();
                long t0 = System.nanoTime();
                long rows = (in ? client.copyIn(connection, data) : client.copyOut(connection)).join();
                long t1 = System.nanoTime();
                long a1 = allocatedBytes();
                cpu[0] += processCpuNanos() - c0;
                if (rows != QueryWork.COPY_ROWS) {
                    throw new IllegalStateException(client.name() + " " + scenario + ": " + rows + " rows, expected " + QueryWork.COPY_ROWS);
                }
                if (in && check.count() != QueryWork.COPY_ROWS) {
                    throw new IllegalStateException(client.name() + " COPY_IN: the table holds " + check.count() + " rows, expected "
                            + QueryWork.COPY_ROWS);
                }
                if (times != null) {
                    times.add(t1 - t0);
                    acc[0] += a1 - a0;
                    acc[1] += rows;
                    acc[2] += t1 - t0;
                }
            } while (++n < maxIterations && System.nanoTime() < end);
        });
        return cpu[0];
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
     * last one ends ({@link RequestLanes}); returns the process CPU they took.
     */
    long concurrentLoop(Duration time, int lanes, java.util.function.LongFunction<CompletableFuture<?>> request, Samples times,
                        long[] done) throws InterruptedException {
        return new RequestLanes(client.name(), lanes, request).run(time, times, done);
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
}
