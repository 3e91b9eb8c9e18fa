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
 * with a 100-µs busy-poll, {@code Transport.newEventLoopGroup(threads, busyPoll)}; {@code pgconn-pollspin}: both),
 * {@code pgconn-chained} or {@code vertx-chained} (each query issued from
 * the previous one's completion), or {@code pgconn-x4}, {@code pgconn-nospin-x4}, {@code pgjdbc-x4}, {@code vertx-x4}
 * (four callers, each blocked on its own connection; also {@code pgconn-poll-x4}). Two warm-up rounds of three turns'
 * length first; then prints p10/p50/p90/p99/mean, process CPU per query and the JVM's context switches per query
 * (voluntary + involuntary, summed over /proc/self/task; not for the -x4 variants, whose threads end before they are
 * read) for each variant over all rounds.
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
            Map<String, Measure> measures = new LinkedHashMap<>();
            List<Client> clients = new ArrayList<>();
            Client pgconn = new PgconnClient(endpoints, SslProviderKind.AUTO);
            Client pgconnNoSpin = new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO);
            Client pgconnPoll = new PgconnClient(endpoints, SslProviderKind.AUTO, true, Duration.ZERO, PgconnClient.BLOCKED_CALLER_SPIN);
            Client pgconnPollSpin = new PgconnClient(endpoints, SslProviderKind.AUTO, true, PgconnClient.BLOCKED_CALLER_SPIN,
                    PgconnClient.BLOCKED_CALLER_SPIN);
            Client pgjdbc = new PgjdbcClient(endpoints);
            Client vertx = new VertxClient(endpoints);
            clients.add(pgconn);
            clients.add(pgjdbc);
            clients.add(vertx);
            clients.add(pgconnNoSpin);
            clients.add(pgconnPoll);
            clients.add(pgconnPollSpin);
            Map<String, Samples> samples = new LinkedHashMap<>();
            Map<String, long[]> cpu = new LinkedHashMap<>();
            Map<Client, Measure> m = Map.of(pgconn, new Measure(pgconn, new Measure.Settings(Duration.ZERO, 8)),
                    pgjdbc, new Measure(pgjdbc, new Measure.Settings(Duration.ZERO, 8)),
                    vertx, new Measure(vertx, new Measure.Settings(Duration.ZERO, 8)),
                    pgconnNoSpin, new Measure(pgconnNoSpin, new Measure.Settings(Duration.ZERO, 8)),
                    pgconnPoll, new Measure(pgconnPoll, new Measure.Settings(Duration.ZERO, 8)),
                    pgconnPollSpin, new Measure(pgconnPollSpin, new Measure.Settings(Duration.ZERO, 8)));
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                for (String v : variants) {
                    Client c = v.startsWith("pgjdbc") ? pgjdbc : v.startsWith("vertx") ? vertx
                            : v.startsWith("pgconn-nospin") ? pgconnNoSpin : v.startsWith("pgconn-pollspin") ? pgconnPollSpin
                            : v.startsWith("pgconn-poll") ? pgconnPoll : pgconn;
                    Samples s = r < 0 ? null : samples.computeIfAbsent(v, k -> new Samples());
                    Duration t = Duration.ofMillis(r < 0 ? 3 * turnMs : turnMs);
                    int before = s == null ? 0 : s.size();
                    long switches0 = ThreadTicks.contextSwitches();
                    long used = v.contains("-x4") ? parallel(m.get(c), c, t, s)
                            : v.contains("-chained") ? m.get(c).queryPkChain(t, Integer.MAX_VALUE, s) : m.get(c).queryPkLoop(t, Integer.MAX_VALUE, s);
                    if (s != null) {
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
            }
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
