package io.pgconn.bench;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.query.Row;
import io.pgconn.query.Segment;
import io.pgconn.trace.PgTracer;
import io.pgconn.Transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One-question probes behind the readings in {@code results/}: pgconn alone, against the servers of
 * {@code BenchMain --serve} (its {@code -Dbench.*} arguments), one connect at a time, each closed
 * connection's backend awaited before the next.
 *
 * <pre>
 * java -cp ... -Dbench.host=... io.pgconn.bench.Probes close    [warm-up] [n]   close() latency and who waited for a CPU
 * java -cp ... -Dbench.host=... io.pgconn.bench.Probes failover [warm-up] [n]   phases of a first-failover walk
 * java -cp ... -Dbench.host=... io.pgconn.bench.Probes scram    [warm-up] [n]   trust and SCRAM connects, alternating
 * java -cp ... -Dbench.host=... io.pgconn.bench.Probes demand   [warm-up] [n]   a million rows by each demand strategy, alternating
 * </pre>
 */
public final class Probes {

    private final Endpoints endpoints = Endpoints.fromSystemProperties();
    private final int warmUp;
    private final int n;

    private Probes(int warmUp, int n) {
        this.warmUp = warmUp;
        this.n = n;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: Probes close|failover|scram|demand [warm-up] [n]");
        }
        Probes probes = new Probes(args.length > 1 ? Integer.parseInt(args[1]) : 2000, args.length > 2 ? Integer.parseInt(args[2]) : 400);
        switch (args[0]) {
            case "close" -> probes.close();
            case "failover" -> probes.failover();
            case "scram" -> probes.scram();
            case "demand" -> probes.demand();
            default -> throw new IllegalArgumentException("unknown probe \"" + args[0] + "\" (expected close, failover, scram or demand)");
        }
    }

    private ConnConfig config(String dsn) {
        return ConnConfig.parse("dbname=" + endpoints.database() + " sslmode=disable " + dsn, EnvironmentSource.of(Map.of()));
    }

    private String trust() {
        return "host=" + endpoints.host() + " port=" + endpoints.primaryPort() + " user=" + endpoints.trustUser();
    }

    /**
     * close() latency, and from {@code /proc/self/task/<tid>/schedstat} how long the event loop thread
     * and the calling thread were runnable but waiting for a CPU around each close (the window runs
     * from the read before close() to the read after it returned, so it includes the loop's work that
     * follows the close and the reads themselves).
     */
    private void close() throws Exception {
        long[] latency = new long[n];
        long[] loopWait = new long[n];
        long[] callerWait = new long[n];
        long[] loopCpu = new long[n];
        String caller = comm();
        String loop = "pgconn-" + Transport.best().name().toLowerCase(); // the factory's event loop threads
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config(trust())).threads(1).build()) {
            for (int i = -warmUp; i < n; i++) {
                PgConnection c = factory.connect().join();
                int pid = c.processId();
                long[] loop0 = schedstat(loop);
                long[] caller0 = schedstat(caller);
                long start = System.nanoTime();
                c.close().join();
                long took = System.nanoTime() - start;
                long[] loop1 = schedstat(loop);
                long[] caller1 = schedstat(caller);
                if (i >= 0) {
                    latency[i] = took;
                    loopCpu[i] = loop1[0] - loop0[0];
                    loopWait[i] = loop1[1] - loop0[1];
                    callerWait[i] = caller1[1] - caller0[1];
                }
                Measure.awaitBackendExit(pid);
            }
        }
        Integer[] bySpeed = IntStream.range(0, n).boxed().sorted(Comparator.comparingLong(i -> latency[i])).toArray(Integer[]::new);
        System.out.printf("close(): %s; event loop CPU per close %.3f ms%n", percentiles(latency), mean(loopCpu, 0, n, bySpeed));
        System.out.printf("fastest half: close %.3f ms; around it, event loop waiting for a CPU %.3f ms, caller %.3f ms%n",
                mean(latency, 0, n / 2, bySpeed), mean(loopWait, 0, n / 2, bySpeed), mean(callerWait, 0, n / 2, bySpeed));
        System.out.printf("slowest 10%%: close %.3f ms; around it, event loop waiting for a CPU %.3f ms, caller %.3f ms%n",
                mean(latency, n * 9 / 10, n, bySpeed), mean(loopWait, n * 9 / 10, n, bySpeed), mean(callerWait, n * 9 / 10, n, bySpeed));
    }

    /**
     * The two demand strategies of a streamed read (docs/query.md: socket reads paused while demand is
     * zero with {@code fetchSize(0)}, or Execute with a row limit) on the same million rows, with a
     * consumer that keeps up (256 more each time it got 256): {@code warmUp} rounds, then {@code n}
     * alternating rounds; the median per strategy.
     */
    private void demand() throws Exception {
        int[] fetchSizes = {0, 256, 4096};
        long[][] millis = new long[fetchSizes.length][n];
        String sql = "SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 1000000) g";
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config(trust())).threads(1).build()) {
            PgConnection c = factory.connect().join();
            try {
                for (int round = -warmUp; round < n; round++) {
                    for (int f = 0; f < fetchSizes.length; f++) {
                        long start = System.nanoTime();
                        CountingSubscriber<Segment> reader = new CountingSubscriber<>(256, segment -> segment instanceof Row);
                        c.statement(sql).fetchSize(fetchSizes[f]).execute().subscribe(reader);
                        long rows = reader.done().join();
                        if (rows != 1_000_000) {
                            throw new IllegalStateException("fetchSize " + fetchSizes[f] + " delivered " + rows + " rows, expected 1000000");
                        }
                        if (round >= 0) {
                            millis[f][round] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        }
                    }
                }
            } finally {
                c.close().join();
            }
        }
        for (int f = 0; f < fetchSizes.length; f++) {
            long[] m = millis[f].clone();
            java.util.Arrays.sort(m);
            System.out.printf("%s: median %d ms per million rows (runs %s)%n",
                    fetchSizes[f] == 0 ? "socket reads paused while demand is 0 (fetchSize=0)" : "Execute row limit (fetchSize=" + fetchSizes[f] + ")",
                    m[m.length / 2], java.util.Arrays.toString(millis[f]));
        }
    }

    /** A first failover (refused port, standby, primary; read-write), a new factory each time: when each attempt ended. */
    private void failover() throws Exception {
        String dsn = "host=" + endpoints.host() + "," + endpoints.host() + "," + endpoints.host() + " port=" + endpoints.refusedPort() + ","
                + endpoints.standbyPort() + "," + endpoints.primaryPort() + " user=" + endpoints.trustUser() + " target_session_attrs=read-write";
        ConnConfig config = config(dsn);
        long[][] ended = new long[4][n];
        EventLoopGroup group = Transport.best().newEventLoopGroup(2);
        try {
            for (int i = -warmUp; i < n; i++) {
                long[] marks = new long[4];
                long[] start = new long[1];
                PgTracer tracer = new PgTracer() {
                    private int attempt;

                    @Override
                    public void hostAttemptEnded(HostAttemptEnded event) {
                        marks[Math.min(attempt++, 2)] = System.nanoTime() - start[0];
                    }
                };
                try (PgConnectionFactory factory = PgConnectionFactory.builder(config).eventLoopGroup(group).tracer(tracer).build()) {
                    start[0] = System.nanoTime();
                    PgConnection c = factory.connect().join();
                    marks[3] = System.nanoTime() - start[0];
                    int pid = c.processId();
                    c.close().join();
                    Measure.awaitBackendExit(pid);
                }
                if (i >= 0) {
                    for (int k = 0; k < 4; k++) {
                        ended[k][i] = marks[k];
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        String[] names = {"refused port attempt ended", "standby attempt ended", "primary attempt ended", "connect complete"};
        for (int k = 0; k < 4; k++) {
            System.out.printf("%-28s %s (from connect())%n", names[k], percentiles(ended[k]));
        }
    }

    /** Trust and SCRAM connects of one JVM, alternating, so that both see the same machine. */
    private void scram() throws Exception {
        long[] trust = new long[n];
        long[] scram = new long[n];
        try (PgConnectionFactory trustFactory = PgConnectionFactory.create(config(trust()));
             PgConnectionFactory scramFactory = PgConnectionFactory.create(config("host=" + endpoints.host() + " port=" + endpoints.primaryPort()
                     + " user=" + endpoints.scramUser() + " password=" + endpoints.scramPassword()))) {
            for (int i = -warmUp; i < n; i++) {
                long t = timeConnect(trustFactory);
                long s = timeConnect(scramFactory);
                if (i >= 0) {
                    trust[i] = t;
                    scram[i] = s;
                }
            }
        }
        System.out.printf("trust: %s%nSCRAM: %s%n", percentiles(trust), percentiles(scram));
    }

    private static long timeConnect(PgConnectionFactory factory) throws Exception {
        long start = System.nanoTime();
        PgConnection c = factory.connect().join();
        long took = System.nanoTime() - start;
        int pid = c.processId();
        c.close().join();
        Measure.awaitBackendExit(pid);
        return took;
    }

    /** The calling thread's name as the kernel knows it ({@code comm}). */
    private static String comm() throws IOException {
        return Files.readString(Path.of("/proc/thread-self/comm")).trim();
    }

    /** On-CPU and run-queue-wait nanoseconds, summed over this JVM's threads whose comm starts with {@code prefix}. */
    private static long[] schedstat(String prefix) throws IOException {
        long[] sum = new long[2];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().startsWith(prefix)) {
                        String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
                        sum[0] += Long.parseLong(fields[0]);
                        sum[1] += Long.parseLong(fields[1]);
                    }
                } catch (IOException threadEnded) {
                    // a thread that ended while we read: not one of ours
                }
            }
        }
        return sum;
    }

    private static String percentiles(long[] nanos) {
        Result r = Result.ofLatencies("pgconn", null, nanos);
        return String.format("p50 %.3f ms, p90 %.3f ms, mean %.3f ms", r.p50(), r.p90(), r.mean());
    }

    private static double mean(long[] values, int from, int to, Integer[] order) {
        return IntStream.range(from, to).mapToLong(k -> values[order[k]]).average().orElse(0) / 1e6;
    }
}
