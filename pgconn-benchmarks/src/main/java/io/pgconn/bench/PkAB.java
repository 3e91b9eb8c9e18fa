package io.pgconn.bench;

import io.pgconn.Transport;
import io.pgconn.config.SslProviderKind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary-key select of {@link Measure#queryPkLoop} and {@link Measure#queryPkChain} for several
 * clients in one JVM against one server pair, their turns alternating round by round, so that the
 * machine's changing state (its load, where the scheduler puts the backend) falls on all of them alike:
 * {@code PkAB rounds turnMs variant...}, a variant being {@code pgconn}, {@code pgjdbc} or {@code vertx}
 * (caller blocked on each query; {@code pgconn} with the benchmark's {@code blockingWaitSpin=100us},
 * {@code pgconn-nospin} with the default, no spin; {@code pgconn-poll}: no spin, its connection on an event loop group
 * with a 100-µs busy-poll, {@code Transport.newEventLoopGroup(threads, busyPoll)}; {@code pgconn-pollspin}: both;
 * {@code pgconn-callerrun}: pgconn's caller-run event loops ({@code Transport.newCallerRunEventLoopGroup}, docs/query.md
 * §1) with {@code blockingWaitSpin=100us}, {@code pgconn-callerrun-nospin} without the spin, {@code pgconn-callerrun-linger5}
 * with a 5-ms linger instead of 1 ms;
 * {@code pgconn-manualrun}: the measuring prototype {@link CallerRunLoopClient}, the connection on a Netty
 * {@code ManualIoEventLoop} that the waiting caller runs, {@code pgconn-manualrun-spin} polling 100 µs first,
 * {@code pgconn-manualrun-tf} running the write before the first poll; {@code pgconn-manualrun-uring} and
 * {@code -uring-spin} the same on an io_uring {@code ManualIoEventLoop}; {@code pgconn-uring} and
 * {@code pgconn-uring-nospin}: {@code pgconn} and {@code pgconn-nospin} on an io_uring event loop group), {@code pgconn-chained} or
 * {@code vertx-chained} (each query issued from the previous one's completion), or {@code pgconn-x4},
 * {@code pgconn-nospin-x4}, {@code pgjdbc-x4}, {@code vertx-x4} (four callers, each blocked on its own connection; also
 * {@code pgconn-poll-x4}, {@code pgconn-callerrun-x4}, {@code pgconn-manualrun-x4}). A variant ending in {@code -connect} ({@code pgjdbc-connect},
 * {@code pgconn-connect}, {@code pgconn-manualrun-connect}, ...) runs {@link Measure#connectLoop} on TRUST instead
 * (connect, then close, timed apart; the backend's exit awaited between); {@code pgconn-loopclose-connect} asks pgconn's
 * close on the connection's event loop ({@link LoopCloseClient}: the loop's way, against {@code pgconn-connect}'s close
 * on the caller's thread). Two warm-up rounds of three turns' length
 * first; then prints p10/p50/p90/p99/mean (for {@code -connect} also close's), process CPU per query (per
 * connect+close; also split into user and system CPU, /proc/self/stat's 10-ms ticks, and the CPU of every process
 * named postgres meanwhile, the server's side) and the JVM's context switches
 * per query (voluntary + involuntary, summed over /proc/self/task; not for the -x4 variants, whose threads end before
 * they are read) for each variant over all rounds, and with a
 * {@code pgjdbc*} variant each variant's p50 per round divided by the first such variant's in the same round (median,
 * rounds at or below 1.0, each ratio: the reading {@code run.sh} takes; for {@code -connect} variants close()'s too;
 * {@code -Dpkab.peer=<variant>} divides by that variant instead). A variant ending in {@code -rows}
 * ({@code pgconn-nospin-rows}, {@code vertx-rows}, {@code pgjdbc-rows}) runs {@link Measure#queryRowsLoop} instead, the
 * 1,000-row read of {@code QUERY_ROWS} (pgconn without the spin, as there): bytes allocated per row and rows/s are printed
 * too, and with a {@code -rows} peer each round's mean over the peer's (rows/s is 1 / mean).
 * With {@code -Dpkab.pin=CLIENT:SERVER} (two taskset CPU lists, e.g. {@code 0:1}) the servers and this JVM are pinned as
 * {@code run.sh --pin-cpus} pins them ({@link CpuPinning}), before any connection is opened.
 * With {@code -Dpkab.marks=true} each measured turn's span and query count go to stderr
 * ({@code mark variant round startEpoch endEpoch queries}), to cut a system-call trace of the JVM
 * ({@code strace -f -ttt -y}) into turns.
 */
public final class PkAB {

    private PkAB() {
    }

    /** {@code -Dpkab.marks=true}: each measured turn's variant, round, start and end (epoch s) and queries on stderr. */
    private static final boolean MARKS = Boolean.getBoolean("pkab.marks");

    /** Four threads, each on its own connection, each blocked on one query after another: process CPU. */
    private static long parallel(Measure measure, Client c, Duration t, Samples all) throws Exception {
        Samples[] each = new Samples[4];
        Thread[] threads = new Thread[4];
        long cpu0 = Measure.processCpuNanos();
        for (int i = 0; i < 4; i++) {
            Samples s = each[i] = new Samples();
            Measure own = new Measure(c, new Measure.Settings(Duration.ZERO, 8));
            threads[i] = new Thread(() -> own.queryPkLoop(t, Integer.MAX_VALUE, s));
            threads[i].start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (all != null) {
            for (Samples s : each) {
                for (long v : s.toArray()) {
                    all.add(v);
                }
            }
        }
        return Measure.processCpuNanos() - cpu0;
    }

    /** This JVM's user and system CPU so far, clock ticks (10 ms), from /proc/self/stat. */
    private static long[] processTicks() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** User + system CPU so far of each process named postgres (the servers' backends and helpers), clock ticks, by pid. */
    private static Map<String, Long> serverTicks() throws java.io.IOException {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (java.nio.file.DirectoryStream<java.nio.file.Path> procs = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (java.nio.file.Path proc : procs) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(proc.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (stat.contains("(postgres)")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(proc.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                }
            }
        }
        return ticks;
    }

    /** The server's CPU between two readings, over the processes alive at both (one that ended takes its ticks along). */
    private static long serverTicksSince(Map<String, Long> before) throws java.io.IOException {
        long sum = 0;
        for (Map.Entry<String, Long> now : serverTicks().entrySet()) {
            Long then = before.get(now.getKey());
            sum += now.getValue() - (then == null ? 0 : then);
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long turnMs = Long.parseLong(args[1]);
        List<String> variants = List.of(Arrays.copyOfRange(args, 2, args.length));
        try (BenchServers servers = new BenchServers(20)) {
            Endpoints endpoints = servers.endpoints().forQueries(); // the query scenarios' server (no standby)
            String pin = System.getProperty("pkab.pin");
            if (pin != null) { // run.sh's --pin-cpus: servers on their CPUs, this JVM (every thread) on the client's
                CpuPinning pinning = CpuPinning.parse(pin);
                int moved = pinning.pinServers(servers.servers());
                pinning.pinThisProcess();
                System.out.println("pinned: this JVM to CPUs " + pinning.clientCpus() + ", " + moved + " postgres processes to CPUs "
                        + pinning.serverCpus());
            }
            // by variant prefix, the longest first: a variant runs the first client whose prefix it starts with
            Map<String, Client> byPrefix = new LinkedHashMap<>();
            byPrefix.put("pgconn-loopclose", new LoopCloseClient(endpoints));
            byPrefix.put("pgconn-manualrun-uring-spin", new CallerRunLoopClient(endpoints, 100_000, false, true));
            byPrefix.put("pgconn-manualrun-uring", new CallerRunLoopClient(endpoints, 0, false, true));
            byPrefix.put("pgconn-uring-nospin", new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO, Duration.ZERO,
                    Transport.IO_URING));
            byPrefix.put("pgconn-uring", new PgconnClient(endpoints, SslProviderKind.AUTO, true, PgconnClient.BLOCKED_CALLER_SPIN,
                    Duration.ZERO, Transport.IO_URING));
            byPrefix.put("pgconn-manualrun-tf", new CallerRunLoopClient(endpoints, 0, true));
            byPrefix.put("pgconn-manualrun-spin", new CallerRunLoopClient(endpoints, 100_000, false));
            byPrefix.put("pgconn-manualrun", new CallerRunLoopClient(endpoints, 0, false));
            byPrefix.put("pgconn-callerrun-nospin", PgconnClient.callerRun(endpoints, Duration.ZERO));
            byPrefix.put("pgconn-callerrun-linger5", PgconnClient.callerRun(endpoints, PgconnClient.BLOCKED_CALLER_SPIN, Duration.ofMillis(5)));
            byPrefix.put("pgconn-callerrun", PgconnClient.callerRun(endpoints, PgconnClient.BLOCKED_CALLER_SPIN));
            byPrefix.put("pgconn-nio", new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO, Duration.ZERO, Transport.NIO));
            byPrefix.put("pgconn-nospin", new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO));
            byPrefix.put("pgconn-pollspin", new PgconnClient(endpoints, SslProviderKind.AUTO, true, PgconnClient.BLOCKED_CALLER_SPIN,
                    PgconnClient.BLOCKED_CALLER_SPIN));
            byPrefix.put("pgconn-poll", new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO, PgconnClient.BLOCKED_CALLER_SPIN));
            byPrefix.put("pgconn", new PgconnClient(endpoints, SslProviderKind.AUTO));
            byPrefix.put("pgjdbc", new PgjdbcClient(endpoints));
            byPrefix.put("vertx", new VertxClient(endpoints));
            List<Client> clients = new ArrayList<>(byPrefix.values());
            Map<String, Samples> samples = new LinkedHashMap<>();
            Map<String, long[]> cpu = new LinkedHashMap<>();
            Map<Client, Measure> m = new java.util.HashMap<>();
            for (Client c : clients) {
                m.put(c, new Measure(c, new Measure.Settings(Duration.ZERO, 8)));
            }
            Map<String, Samples> closeSamples = new LinkedHashMap<>();
            Map<String, List<Double>> roundP50s = new LinkedHashMap<>();
            Map<String, List<Double>> closeRoundP50s = new LinkedHashMap<>();
            Map<String, List<Double>> roundMeans = new LinkedHashMap<>();
            Map<String, long[]> allocated = new LinkedHashMap<>(); // -rows variants: {bytes allocated, rows}
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                for (String v : variants) {
                    Client c = byPrefix.entrySet().stream().filter(e -> v.startsWith(e.getKey())).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("unknown variant " + v)).getValue();
                    Samples s = r < 0 ? null : samples.computeIfAbsent(v, k -> new Samples());
                    Duration t = Duration.ofMillis(r < 0 ? 3 * turnMs : turnMs);
                    int before = s == null ? 0 : s.size();
                    long switches0 = ThreadTicks.contextSwitches();
                    long[] ticks0 = processTicks();
                    Map<String, Long> server0 = serverTicks();
                    Samples closes = r < 0 ? null : closeSamples.computeIfAbsent(v, k -> new Samples());
                    int closesBefore = closes == null ? 0 : closes.size();
                    java.time.Instant turnStart = java.time.Instant.now();
                    long used = v.endsWith("-connect") ? m.get(c).connectLoop(Target.TRUST, false, t, Integer.MAX_VALUE, s, closes)
                            : v.contains("-x4") ? parallel(m.get(c), c, t, s)
                            : v.contains("-chained") ? m.get(c).queryPkChain(t, Integer.MAX_VALUE, s)
                            : v.endsWith("-rows") ? m.get(c).queryRowsLoop(t, Integer.MAX_VALUE, s,
                                    r < 0 ? null : allocated.computeIfAbsent(v, k -> new long[2]))
                            : m.get(c).queryPkLoop(t, Integer.MAX_VALUE, s);
                    if (s != null) {
                        long[] turn = Arrays.copyOfRange(s.toArray(), before, s.size());
                        Arrays.sort(turn);
                        roundP50s.computeIfAbsent(v, k -> new ArrayList<>()).add(turn.length == 0 ? Double.NaN : turn[turn.length / 2] / 1e6);
                        roundMeans.computeIfAbsent(v, k -> new ArrayList<>()).add(Arrays.stream(turn).average().orElse(Double.NaN) / 1e6);
                        if (v.endsWith("-connect")) {
                            long[] closeTurn = Arrays.copyOfRange(closes.toArray(), closesBefore, closes.size());
                            Arrays.sort(closeTurn);
                            closeRoundP50s.computeIfAbsent(v, k -> new ArrayList<>())
                                    .add(closeTurn.length == 0 ? Double.NaN : closeTurn[closeTurn.length / 2] / 1e6);
                        }
                        long[] acc = cpu.computeIfAbsent(v, k -> new long[6]);
                        acc[5] += serverTicksSince(server0);
                        if (MARKS) { // the turn's span on the wall clock, for a system-call trace (strace -ttt) of the JVM
                            java.time.Instant turnEnd = java.time.Instant.now();
                            System.err.printf("mark %s %d %d.%06d %d.%06d %d%n", v, r, turnStart.getEpochSecond(), turnStart.getNano() / 1000,
                                    turnEnd.getEpochSecond(), turnEnd.getNano() / 1000, s.size() - before);
                        }
                        acc[0] += used;
                        acc[1] += s.size() - before;
                        acc[2] += ThreadTicks.contextSwitches() - switches0;
                        long[] ticks1 = processTicks();
                        acc[3] += ticks1[0] - ticks0[0];
                        acc[4] += ticks1[1] - ticks0[1];
                    }
                }
            }
            System.out.printf("%-28s %8s %8s %8s %8s %8s %8s %10s %8s %8s %8s %8s%n", "variant", "n", "p10", "p50", "p90", "p99", "mean", "cpu ms/q",
                    "csw/q", "usr ms/q", "sys ms/q", "srv ms/q");
            for (String v : variants) {
                long[] a = samples.get(v).toArray();
                Arrays.sort(a);
                double mean = Arrays.stream(a).average().orElse(0);
                long[] acc = cpu.get(v);
                System.out.printf("%-28s %8d %8.4f %8.4f %8.4f %8.4f %8.4f %10.4f %8.2f %8.4f %8.4f %8.4f%n", v, a.length, a[a.length / 10] / 1e6,
                        a[a.length / 2] / 1e6, a[a.length * 9 / 10] / 1e6, a[a.length * 99 / 100] / 1e6, mean / 1e6,
                        acc[0] / 1e6 / acc[1], (double) acc[2] / acc[1], acc[3] * 10.0 / acc[1], acc[4] * 10.0 / acc[1],
                        acc[5] * 10.0 / acc[1]);
                if (v.endsWith("-connect")) {
                    long[] cl = closeSamples.get(v).toArray();
                    Arrays.sort(cl);
                    System.out.printf("%-28s %8d %8.4f %8.4f %8.4f %8.4f%n", v + " close", cl.length, cl[cl.length / 10] / 1e6,
                            cl[cl.length / 2] / 1e6, cl[cl.length * 9 / 10] / 1e6, cl[cl.length * 99 / 100] / 1e6);
                }
            }
            allocated.forEach((v, a) -> System.out.printf("%-28s %.0f B allocated/row, %.0f rows/s (1 / mean)%n", v,
                    a[0] / (double) a[1], 1000 / (Arrays.stream(samples.get(v).toArray()).average().orElse(0) / 1e9)));
            String peer = System.getProperty("pkab.peer", variants.stream().filter(x -> x.startsWith("pgjdbc")).findFirst().orElse(null));
            if (peer != null) {
                List<Double> base = roundP50s.get(peer);
                for (String v : variants) {
                    List<Double> own = roundP50s.get(v);
                    double[] ratios = new double[own.size()];
                    int le = 0;
                    for (int i = 0; i < ratios.length; i++) {
                        ratios[i] = own.get(i) / base.get(i);
                        le += ratios[i] <= 1.0 ? 1 : 0;
                    }
                    double[] sorted = ratios.clone();
                    Arrays.sort(sorted);
                    System.out.printf("%-28s per-round p50 / %s: median %.3f (%d of %d rounds <= 1.0) %s%n", v, peer,
                            sorted[sorted.length / 2], le, ratios.length, Arrays.toString(Arrays.stream(ratios)
                                    .map(x -> Math.round(x * 100) / 100.0).toArray()));
                }
                if (peer.endsWith("-rows")) { // rows/s is 1 / mean: the mean per round too
                    for (String v : variants) {
                        perRound("mean", v, peer, roundMeans.get(v), roundMeans.get(peer));
                    }
                }
                if (closeRoundP50s.containsKey(peer)) { // -connect variants: close() p50 per round too
                    for (String v : variants) {
                        perRound("p50", v + " close", peer + " close", closeRoundP50s.get(v), closeRoundP50s.get(peer));
                    }
                }
            }
            for (Client c : clients) {
                c.close();
            }
        }
    }

    /** Each round's {@code measure} (p50, mean) of {@code v} over {@code peer}'s in the same round: median, rounds at or below 1.0, each ratio. */
    private static void perRound(String measure, String v, String peer, List<Double> own, List<Double> base) {
        double[] ratios = new double[own.size()];
        int le = 0;
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = own.get(i) / base.get(i);
            le += ratios[i] <= 1.0 ? 1 : 0;
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf("%-28s per-round %s / %s: median %.3f (%d of %d rounds <= 1.0) %s%n", v, measure, peer, sorted[sorted.length / 2], le,
                ratios.length, Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 100) / 100.0).toArray()));
    }
}
