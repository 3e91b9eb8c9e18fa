package io.pgconn.bench;

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
 * {@code pgconn-callerrun}: the measuring prototype {@link CallerRunLoopClient}, the connection on a Netty
 * {@code ManualIoEventLoop} that the waiting caller runs, {@code pgconn-callerrun-spin} polling 100 µs first,
 * {@code pgconn-callerrun-tf} running the write before the first poll), {@code pgconn-chained} or
 * {@code vertx-chained} (each query issued from the previous one's completion), or {@code pgconn-x4},
 * {@code pgconn-nospin-x4}, {@code pgjdbc-x4}, {@code vertx-x4} (four callers, each blocked on its own connection; also
 * {@code pgconn-poll-x4}, {@code pgconn-callerrun-x4}). A variant ending in {@code -connect} ({@code pgjdbc-connect},
 * {@code pgconn-connect}, {@code pgconn-callerrun-connect}, ...) runs {@link Measure#connectLoop} on TRUST instead
 * (connect, then close, timed apart; the backend's exit awaited between). Two warm-up rounds of three turns' length
 * first; then prints p10/p50/p90/p99/mean (for {@code -connect} also close's), process CPU per query (per
 * connect+close) and the JVM's context switches per query (voluntary + involuntary, summed over /proc/self/task; not
 * for the -x4 variants, whose threads end before they are read) for each variant over all rounds, and with a
 * {@code pgjdbc*} variant each variant's p50 per round divided by the first such variant's in the same round (median,
 * rounds at or below 1.0, each ratio: the reading {@code run.sh} takes).
 */
public final class PkAB {

    private PkAB() {
    }

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

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long turnMs = Long.parseLong(args[1]);
        List<String> variants = List.of(Arrays.copyOfRange(args, 2, args.length));
        try (BenchServers servers = new BenchServers(20)) {
            Endpoints endpoints = servers.endpoints().forQueries(); // the query scenarios' server (no standby)
            // by variant prefix, the longest first: a variant runs the first client whose prefix it starts with
            Map<String, Client> byPrefix = new LinkedHashMap<>();
            byPrefix.put("pgconn-callerrun-tf", new CallerRunLoopClient(endpoints, 0, true));
            byPrefix.put("pgconn-callerrun-spin", new CallerRunLoopClient(endpoints, 100_000, false));
            byPrefix.put("pgconn-callerrun", new CallerRunLoopClient(endpoints, 0, false));
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
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                for (String v : variants) {
                    Client c = byPrefix.entrySet().stream().filter(e -> v.startsWith(e.getKey())).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("unknown variant " + v)).getValue();
                    Samples s = r < 0 ? null : samples.computeIfAbsent(v, k -> new Samples());
                    Duration t = Duration.ofMillis(r < 0 ? 3 * turnMs : turnMs);
                    int before = s == null ? 0 : s.size();
                    long switches0 = ThreadTicks.contextSwitches();
                    Samples closes = r < 0 ? null : closeSamples.computeIfAbsent(v, k -> new Samples());
                    long used = v.endsWith("-connect") ? m.get(c).connectLoop(Target.TRUST, false, t, Integer.MAX_VALUE, s, closes)
                            : v.contains("-x4") ? parallel(m.get(c), c, t, s)
                            : v.contains("-chained") ? m.get(c).queryPkChain(t, Integer.MAX_VALUE, s) : m.get(c).queryPkLoop(t, Integer.MAX_VALUE, s);
                    if (s != null) {
                        long[] turn = Arrays.copyOfRange(s.toArray(), before, s.size());
                        Arrays.sort(turn);
                        roundP50s.computeIfAbsent(v, k -> new ArrayList<>()).add(turn.length == 0 ? Double.NaN : turn[turn.length / 2] / 1e6);
                        long[] acc = cpu.computeIfAbsent(v, k -> new long[3]);
                        acc[0] += used;
                        acc[1] += s.size() - before;
                        acc[2] += ThreadTicks.contextSwitches() - switches0;
                    }
                }
            }
            System.out.printf("%-28s %8s %8s %8s %8s %8s %8s %10s %8s%n", "variant", "n", "p10", "p50", "p90", "p99", "mean", "cpu ms/q",
                    "csw/q");
            for (String v : variants) {
                long[] a = samples.get(v).toArray();
                Arrays.sort(a);
                double mean = Arrays.stream(a).average().orElse(0);
                long[] acc = cpu.get(v);
                System.out.printf("%-28s %8d %8.4f %8.4f %8.4f %8.4f %8.4f %10.4f %8.2f%n", v, a.length, a[a.length / 10] / 1e6,
                        a[a.length / 2] / 1e6, a[a.length * 9 / 10] / 1e6, a[a.length * 99 / 100] / 1e6, mean / 1e6,
                        acc[0] / 1e6 / acc[1], (double) acc[2] / acc[1]);
                if (v.endsWith("-connect")) {
                    long[] cl = closeSamples.get(v).toArray();
                    Arrays.sort(cl);
                    System.out.printf("%-28s %8d %8.4f %8.4f %8.4f %8.4f%n", v + " close", cl.length, cl[cl.length / 10] / 1e6,
                            cl[cl.length / 2] / 1e6, cl[cl.length * 9 / 10] / 1e6, cl[cl.length * 99 / 100] / 1e6);
                }
            }
            String peer = variants.stream().filter(x -> x.startsWith("pgjdbc")).findFirst().orElse(null);
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
            }
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
