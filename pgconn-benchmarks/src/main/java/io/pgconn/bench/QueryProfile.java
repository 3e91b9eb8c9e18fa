package io.pgconn.bench;

import io.pgconn.config.SslProviderKind;

import java.time.Duration;

/**
 * A profiling driver for the per-statement query path, not a benchmark: one client's pipelined
 * inserts ({@link Measure#pipelinedLoop}) and primary-key selects ({@link Measure#queryPkLoop})
 * against the benchmark servers in this JVM, printing client CPU and bytes allocated per statement,
 * so that a JFR recording ({@code -XX:StartFlightRecording}) sees only those loops.
 * The chained selects ({@link Measure#queryPkChain}) and the 1,000-row read ({@link Measure#queryRowsLoop})
 * run when named: {@code QueryProfile [pgconn|pgjdbc|vertx] [PIPELINED_INSERTS|QUERY_PK|QUERY_PK_CHAINED|QUERY_ROWS|BOTH|ALL]
 * [warmupSeconds] [measureSeconds] [rounds]} (a comma list of scenarios works too; BOTH = inserts + PK, ALL = the four).
 */
public final class QueryProfile {

    private QueryProfile() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "pgconn";
        String which = args.length > 1 ? args[1] : "BOTH";
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        try (BenchServers servers = new BenchServers(20)) {
            Endpoints endpoints = servers.endpoints().forQueries(); // the query scenarios' server (no standby)
            try (Client client = switch (name) {
                case "pgjdbc" -> new PgjdbcClient(endpoints);
                case "vertx" -> new VertxClient(endpoints);
                default -> new PgconnClient(endpoints, SslProviderKind.AUTO);
            }) {
                Measure m = new Measure(client, new Measure.Settings(Duration.ZERO, 8));
                java.util.Set<String> names = java.util.Set.of(which.split(","));
                boolean all = names.contains("ALL");
                boolean inserts = all || names.contains("BOTH") || names.contains("PIPELINED_INSERTS");
                boolean pk = all || names.contains("BOTH") || names.contains("QUERY_PK");
                boolean chained = all || names.contains("QUERY_PK_CHAINED");
                boolean rows = all || names.contains("QUERY_ROWS");
                if (inserts) {
                    m.pipelinedLoop(Scenario.PIPELINED_INSERTS, Duration.ofSeconds(warmup), null);
                }
                if (pk) {
                    m.queryPkLoop(Duration.ofSeconds(warmup), Integer.MAX_VALUE, null);
                }
                if (chained) {
                    m.queryPkChain(Duration.ofSeconds(warmup), Integer.MAX_VALUE, null);
                }
                if (rows) {
                    m.queryRowsLoop(Duration.ofSeconds(warmup), Integer.MAX_VALUE, null, null);
                }
                System.out.println("measuring"); // a profiler attached from here sees the measured loops only
                System.out.flush();
                for (int r = 0; r < rounds; r++) {
                    if (inserts) {
                        long[] done = new long[2];
                        java.util.Map<String, long[]> t0 = ThreadTicks.read();
                        long a0 = Measure.allocatedBytes();
                        long cpu = m.pipelinedLoop(Scenario.PIPELINED_INSERTS, Duration.ofSeconds(measure), done);
                        long a1 = Measure.allocatedBytes();
                        printThreads(t0, ThreadTicks.read(), done[0]);
                        System.out.printf("%s PIPELINED_INSERTS: %d statements, %.0f st/s, client CPU %.4f ms/st, %.0f B/st%n",
                                name, done[0], done[0] * 1e9 / done[1], cpu / 1e6 / done[0], (a1 - a0) / (double) done[0]);
                    }
                    if (pk) {
                        Samples times = new Samples();
                        java.util.Map<String, long[]> t0 = ThreadTicks.read();
                        long a0 = Measure.allocatedBytes();
                        long cpu = m.queryPkLoop(Duration.ofSeconds(measure), Integer.MAX_VALUE, times);
                        long a1 = Measure.allocatedBytes();
                        printThreads(t0, ThreadTicks.read(), times.size());
                        System.out.printf("%s QUERY_PK: %d queries, p50 %.4f ms, client CPU %.4f ms/q, %.0f B/q%n",
                                name, times.size(), p50(times) / 1e6, cpu / 1e6 / times.size(),
                                (a1 - a0) / (double) times.size());
                    }
                    if (chained) {
                        Samples times = new Samples();
                        java.util.Map<String, long[]> t0 = ThreadTicks.read();
                        long a0 = Measure.allocatedBytes();
                        long cpu = m.queryPkChain(Duration.ofSeconds(measure), Integer.MAX_VALUE, times);
                        long a1 = Measure.allocatedBytes();
                        printThreads(t0, ThreadTicks.read(), times.size());
                        System.out.printf("%s QUERY_PK_CHAINED: %d queries, p50 %.4f ms, mean %.4f ms, client CPU %.4f ms/q, %.0f B/q%n",
                                name, times.size(), p50(times) / 1e6, mean(times) / 1e6, cpu / 1e6 / times.size(),
                                (a1 - a0) / (double) times.size());
                    }
                    if (rows) {
                        Samples times = new Samples();
                        long[] allocated = new long[2];
                        java.util.Map<String, long[]> t0 = ThreadTicks.read();
                        long cpu = m.queryRowsLoop(Duration.ofSeconds(measure), Integer.MAX_VALUE, times, allocated);
                        printThreads(t0, ThreadTicks.read(), times.size());
                        System.out.printf("%s QUERY_ROWS: %d reads, p50 %.4f ms, %.0f rows/s (mean), client CPU %.4f ms/read, %.0f B/row%n",
                                name, times.size(), p50(times) / 1e6, allocated[1] * 1e9 / (mean(times) * times.size()),
                                cpu / 1e6 / times.size(), allocated[0] / (double) Math.max(1, allocated[1]));
                    }
                }
            }
        }
    }

    /** CPU per operation of each thread name (digits folded), user and system, from /proc (10 ms ticks). */
    private static void printThreads(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after, long ops) {
        after.forEach((thread, t) -> {
            long[] b = before.getOrDefault(thread, new long[2]);
            long user = t[0] - b[0];
            long sys = t[1] - b[1];
            if (user + sys > 0) {
                System.out.printf("  %-24s user %.4f ms/op sys %.4f ms/op%n", thread, user * 10.0 / ops, sys * 10.0 / ops);
            }
        });
    }

    private static double mean(Samples s) {
        long[] v = s.toArray();
        return v.length == 0 ? 0 : java.util.Arrays.stream(v).average().orElse(0);
    }

    private static double p50(Samples s) {
        long[] v = s.toArray();
        java.util.Arrays.sort(v);
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
