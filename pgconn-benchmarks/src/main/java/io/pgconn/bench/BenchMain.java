package io.pgconn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark in one run: starts the servers, runs every client in its own JVM, then
 * {@code pgbench -C}, and prints the tables (and writes them to {@code --results FILE}).
 * Started by {@code pgconn-benchmarks/run.sh}; see the module README for the options.
 */
public final class BenchMain {

    private BenchMain() {
    }

    /**
     * Sub-millisecond latencies whose p50 on this shared 2-core machine is bimodal by turn (a wake-up
     * that finds a CPU idle or not, sticky for a while): five turns of 1,000 queries in separate JVMs
     * made the pgconn/vert.x ratio a coin flip (0.97–1.19× with equal CPU per query, session 6). They run
     * --pk-rounds short turns of --pk-turn queries (default 20 × 500), and the target is read as the median
     * of the per-round ratios (TurnP50s); the pooled p50 ratio is printed next to it.
     */
    static final List<Scenario> PK_ROUNDS = List.of(Scenario.QUERY_PK, Scenario.QUERY_PK_CHAINED);
    /** Scenarios timed in the same rounds as the key's, because they are compared with it. */
    private static final Map<Scenario, Scenario> SAME_ROUNDS = Map.of(Scenario.FAILOVER_DIRECT, Scenario.FAILOVER_REPEAT);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve(args.length > 1 ? Integer.parseInt(args[1]) : 1100);
            return;
        }
        BenchOptions options = BenchOptions.parse(args);
        String loadBefore = loadAverage();
        List<Result> results = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        List<TurnP50s> turnP50s = new ArrayList<>();
        Map<Target, Pgbench.Run> pgbenchLatency = new EnumMap<>(Target.class);
        Pgbench.Run pgbenchInFlight = null;
        String pgbenchVersion;
        String serverVersion;
        Path logDir = Path.of("pgconn-benchmarks/target/bench-logs");
        List<String> extraJvmArgs = System.getenv("BENCH_WORKER_JVM_ARGS") == null ? List.of()
                : List.of(System.getenv("BENCH_WORKER_JVM_ARGS").trim().split("\\s+"));
        String topology;
        String cpus = "";
        try (BenchServers servers = new BenchServers(options.heapConnections() + 100)) {
            serverVersion = servers.primary().version();
            Endpoints endpoints = options.queriesWithStandby() ? servers.endpoints().queriesOnPrimaryWithStandby() : servers.endpoints();
            topology = ResultsDocument.topology(options.scenarios(), endpoints);
            System.err.println("servers up: " + servers.endpoints().asMap().entrySet().stream().filter(e -> !e.getKey().contains("assword"))
                    .map(Map.Entry::toString).collect(Collectors.joining(", ")));
            if (options.pinning() != null) {
                int moved = options.pinning().pinServers(servers.servers());
                options.pinning().pinThisProcess();
                System.err.println("pinned: " + moved + " postgres processes to CPUs " + options.pinning().serverCpus()
                        + ", this coordinator and every client process to CPUs " + options.pinning().clientCpus());
            }
            Pgbench pgbench = new Pgbench(options.pgbench(), servers.endpoints(), Path.of("pgconn-benchmarks/target/pgbench"),
                    options.clientPrefix());
            pgbenchVersion = pgbench.version();
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (String client : options.clients()) {
                    WorkerProcess w = new WorkerProcess(client, endpoints, options.pauseMs(), extraJvmArgs, logDir, errors,
                            options.pgconnBuild(client), options.r2dbcBuild(client), options.starterBuild(client), options.clientPrefix());
                    workers.add(w);
                    settings.put(client, w.settings());
                }
                long slice = Math.max(1, options.measureMs() / options.rounds());
                int pgbenchSeconds = (int) Math.max(1, Math.round(slice / 1000.0));
                // every code path of every client compiled before anything is timed (JIT on a small machine takes a while)
                System.err.println("== warm-up of all scenarios (load " + loadAverage() + ")");
                for (WorkerProcess w : workers) {
                    for (Scenario scenario : options.scenarios()) {
                        if (w.supports(scenario) && scenario != Scenario.HEAP_PER_IDLE) {
                            w.command("WARMUP " + scenario.name() + " " + options.warmupMs());
                        }
                    }
                }
                cpus = ResultsDocument.cpuPlacement(options, workers, servers);
                for (Scenario scenario : options.scenarios()) {
                    if (scenario == Scenario.HEAP_PER_IDLE) {
                        continue; // after the timed scenarios
                    }
                    if (SAME_ROUNDS.containsKey(scenario) && options.scenarios().contains(SAME_ROUNDS.get(scenario))) {
                        continue; // timed with its partner
                    }
                    List<Scenario> group = new ArrayList<>(List.of(scenario));
                    SAME_ROUNDS.forEach((follower, leader) -> {
                        if (leader == scenario) {
                            group.add(follower);
                        }
                    });
                    List<Map.Entry<WorkerProcess, Scenario>> turns = new ArrayList<>();
                    for (WorkerProcess w : workers) {
                        for (Scenario s : group) {
                            if (w.supports(s)) {
                                turns.add(Map.entry(w, s));
                            }
                        }
                    }
                    loads.add(scenario.name() + ": " + loadAverage());
                    System.err.println("== " + scenario.title() + " (load " + loadAverage() + ")");
                    long warmup = scenario.target().tls() ? 2 * options.warmupMs() : options.warmupMs();
                    for (Map.Entry<WorkerProcess, Scenario> t : turns) {
                        t.getKey().command("WARMUP " + t.getValue().name() + " " + warmup);
                    }
                    boolean withPgbench = scenario == Scenario.IN_FLIGHT_8 || (scenario.latency() && scenario.target() != Target.FAILOVER
                            && scenario != Scenario.SELECT_ONE && scenario != Scenario.CLOSE && !scenario.query()
                            && !scenario.springData());
                    List<Pgbench.Run> pgbenchRuns = new ArrayList<>();
                    int sliceIterations = options.turnIterations(scenario);
                    for (int round = 0; round < options.rounds(scenario); round++) {
                        for (int k = 0; k < turns.size(); k++) {
                            Map.Entry<WorkerProcess, Scenario> t = turns.get((k + round) % turns.size());
                            t.getKey().command("MEASURE " + t.getValue().name() + " " + slice + " " + sliceIterations);
                        }
                        if (withPgbench) {
                            pgbenchRuns.add(scenario == Scenario.IN_FLIGHT_8
                                    ? pgbench.run(Target.TRUST, 8, 2, pgbenchSeconds)
                                    : pgbench.run(scenario.target(), 1, 1, pgbenchSeconds));
                        }
                    }
                    for (Map.Entry<WorkerProcess, Scenario> t : turns) {
                        for (Result r : t.getKey().command("REPORT " + t.getValue().name())) {
                            results.add(r);
                            System.err.printf("   %-15s %-40s p50 %8.3f ms  mean %8.3f ms  ops/s %8.0f  cpu %.3f ms/op  n %d%n", r.client(),
                                    r.scenario().title(), r.p50(), r.mean(), r.throughput(), r.cpuMs(), r.n());
                        }
                    }
                    if (!pgbenchRuns.isEmpty()) {
                        Pgbench.Run combined = Pgbench.Run.combine(pgbenchRuns);
                        if (scenario == Scenario.IN_FLIGHT_8) {
                            pgbenchInFlight = combined;
                        } else {
                            pgbenchLatency.put(scenario.target(), combined);
                        }
                        System.err.printf("   %-15s %-40s avg connect %.3f ms  tps %.0f%n", "pgbench", scenario.title(),
                                combined.avgConnectMs(), combined.tps());
                    }
                }
                workers.forEach(w -> turnP50s.addAll(w.turns()));
                if (options.scenarios().equals(BenchOptions.TIMED) || options.scenarios().contains(Scenario.HEAP_PER_IDLE)) {
                    loads.add("HEAP: " + loadAverage());
                    heapPerIdleConnection(workers, options.heapConnections(), results);
                } else {
                    System.err.println("== heap per idle connection: skipped (--scenarios given without HEAP_PER_IDLE)");
                }
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
        Report report = new Report(results, pgbenchLatency, pgbenchInFlight, turnP50s);
        String text = ResultsDocument.of(options, report, settings, errors, loads, loadBefore, serverVersion, topology, pgbenchVersion,
                pgbenchLatency, pgbenchInFlight, cpus);
        System.out.println(text);
        if (options.results() != null) {
            Path file = options.results().toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            System.err.println("written: " + file);
        }
    }

    private static void heapPerIdleConnection(List<WorkerProcess> workers, int connections, List<Result> results) throws IOException {
        System.err.println("== heap per idle connection (" + connections + " connections)");
        for (WorkerProcess w : workers) {
            if (w.supports(Scenario.HEAP_PER_IDLE)) {
                for (Result r : w.command("HEAP " + connections)) {
                    results.add(r);
                    System.err.printf("   %-15s %.0f B%n", r.client(), r.value());
                }
            }
        }
    }

    /** Only the servers, for profiling by hand: prints the endpoints as -Dbench.* arguments, stops on end of input. */
    private static void serve(int maxConnections) throws IOException {
        try (BenchServers servers = new BenchServers(maxConnections)) {
            System.out.println(String.join(" ", servers.endpoints().asJvmArguments()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for end of input
            }
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
