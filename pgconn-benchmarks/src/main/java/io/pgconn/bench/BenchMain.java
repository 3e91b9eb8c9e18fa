package io.pgconn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
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

    private static final List<String> CLIENTS = java.nio.file.Files.isExecutable(WorkerProcess.NATIVE_LIBPQ_BINARY)
            ? List.of("pgconn", "pgconn-jdk", "pgjdbc", "r2dbc", "vertx", WorkerProcess.NATIVE_LIBPQ, "pgconn-r2dbc-data", "r2dbc-data",
            "pgjdbc-data")
            : List.of("pgconn", "pgconn-jdk", "pgjdbc", "r2dbc", "vertx", "pgconn-r2dbc-data", "r2dbc-data", "pgjdbc-data");

    private BenchMain() {
    }

    /** Command-line options. */
    record Options(Path results, long pauseMs, long warmupMs, long measureMs, int rounds, int maxIterations, int heapConnections,
                   List<String> clients, String pgbench, List<Scenario> scenarios, String command, int pkRounds, int pkTurn,
                   boolean queriesWithStandby, Map<String, Path> pgconnBuilds, Map<String, Path> r2dbcBuilds, Map<String, Path> starterBuilds,
                   CpuPinning pinning) {

        static Options parse(String[] args) {
            Path results = null;
            long pause = 0;
            long warmup = 3000;
            long measure = 5000;
            int rounds = 5;
            int maxIterations = 5000;
            int heap = 1000;
            List<String> clients = CLIENTS;
            String pgbench = "/usr/bin/pgbench";
            List<Scenario> scenarios = TIMED;
            int pkRounds = 20;
            int pkTurn = 500;
            boolean queriesWithStandby = false;
            Map<String, Path> pgconnBuilds = new LinkedHashMap<>();
            Map<String, Path> r2dbcBuilds = new LinkedHashMap<>();
            Map<String, Path> starterBuilds = new LinkedHashMap<>();
            CpuPinning pinning = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--results" -> results = Path.of(args[++i]);
                    case "--pause-ms" -> pause = Long.parseLong(args[++i]);
                    case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
                    case "--measure-ms" -> measure = Long.parseLong(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--max-iterations" -> maxIterations = Integer.parseInt(args[++i]);
                    case "--heap-connections" -> heap = Integer.parseInt(args[++i]);
                    case "--clients" -> clients = List.of(args[++i].split(","));
                    case "--pgbench" -> pgbench = args[++i];
                    case "--scenarios" -> scenarios = java.util.Arrays.stream(args[++i].split(",")).map(Scenario::valueOf).toList();
                    case "--pk-rounds" -> pkRounds = Integer.parseInt(args[++i]);
                    case "--pk-turn" -> pkTurn = Integer.parseInt(args[++i]);
                    case "--query-server" -> queriesWithStandby = switch (args[++i]) {
                        case "primary-only" -> false;
                        case "with-standby" -> true;
                        default -> throw new IllegalArgumentException("--query-server " + args[i] + ": expected primary-only (default)"
                                + " or with-standby (the query scenarios on the primary that has the standby, as before session 7)");
                    };
                    case "--pgconn-build" -> {
                        String[] nameAndPath = args[++i].split("=", 2);
                        if (nameAndPath.length != 2 || !nameAndPath[0].matches("[a-z0-9]+") || nameAndPath[1].isEmpty()) {
                            throw new IllegalArgumentException("--pgconn-build " + args[i] + ": expected NAME=PATH, NAME in [a-z0-9]+"
                                    + " (the client is pgconn-NAME), PATH a pgconn-core jar or classes directory");
                        }
                        pgconnBuilds.put(nameAndPath[0], Path.of(nameAndPath[1]));
                    }
                    case "--r2dbc-build" -> {
                        String[] nameAndPath = args[++i].split("=", 2);
                        if (nameAndPath.length != 2 || !nameAndPath[0].matches("[a-z0-9]+") || nameAndPath[1].isEmpty()) {
                            throw new IllegalArgumentException("--r2dbc-build " + args[i] + ": expected NAME=PATH, NAME in [a-z0-9]+"
                                    + " (the clients are pgconn-r2dbc-data-NAME and pgconn-r2dbc-pools-data-NAME, named with --clients),"
                                    + " PATH a pgconn-r2dbc jar or classes directory");
                        }
                        r2dbcBuilds.put(nameAndPath[0], Path.of(nameAndPath[1]));
                    }
                    case "--starter-build" -> {
                        String[] nameAndPath = args[++i].split("=", 2);
                        if (nameAndPath.length != 2 || !nameAndPath[0].matches("[a-z0-9]+") || nameAndPath[1].isEmpty()) {
                            throw new IllegalArgumentException("--starter-build " + args[i] + ": expected NAME=PATH, NAME in [a-z0-9]+"
                                    + " (the clients are pgconn-boot-data-NAME and pgconn-boot-noobs-data-NAME, named with --clients),"
                                    + " PATH a pgconn-spring-boot-starter jar or classes directory");
                        }
                        starterBuilds.put(nameAndPath[0], Path.of(nameAndPath[1]));
                    }
                    case "--pin-cpus" -> pinning = CpuPinning.parse(args[++i]);
                    case "--quick" -> {
                        warmup = 1000;
                        measure = 2000;
                        rounds = 2;
                        heap = 200;
                        pkRounds = 6;
                        pkTurn = 250;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + " (options: --results FILE, --pause-ms N,"
                            + " --warmup-ms N, --measure-ms N, --rounds N, --max-iterations N, --heap-connections N,"
                            + " --clients a,b, --pgbench PATH, --scenarios A,B (names of Scenario, e.g. QUERY_PK), --pk-rounds N,"
                            + " --pk-turn N, --query-server primary-only|with-standby, --pgconn-build NAME=PATH, --r2dbc-build NAME=PATH, --starter-build NAME=PATH, --pin-cpus CLIENT:SERVER,"
                            + " --quick)");
                }
            }
            List<String> all = new ArrayList<>(clients);
            for (String name : pgconnBuilds.keySet()) {
                String client = WorkerMain.PGCONN_BUILD_PREFIX + name;
                if (List.of("jdk", "openssl").contains(name)) { // pgconn-jdk, pgconn-openssl: clients of their own
                    throw new IllegalArgumentException("--pgconn-build " + name + ": pgconn-" + name + " is a client of its own; choose another NAME");
                }
                if (!all.contains(client)) {
                    all.add(all.contains(Report.PGCONN) ? all.indexOf(Report.PGCONN) + 1 : all.size(), client);
                }
            }
            clients = List.copyOf(all);
            return new Options(results, pause, warmup, measure, rounds, maxIterations, heap, clients, pgbench, scenarios,
                    "pgconn-benchmarks/run.sh " + String.join(" ", args), pkRounds, pkTurn,
                    queriesWithStandby, Map.copyOf(pgconnBuilds), Map.copyOf(r2dbcBuilds),
                    Map.copyOf(starterBuilds), pinning);
        }

        /** The command a client process is started through: {@code taskset -c CLIENT} with {@code --pin-cpus}, else nothing. */
        List<String> clientPrefix() {
            return pinning == null ? List.of() : pinning.clientPrefix();
        }

        /**
         * The other pgconn-r2dbc build a Spring Data client runs on ({@code --r2dbc-build NAME=PATH}: clients
         * {@code pgconn-r2dbc-data-NAME}, {@code pgconn-r2dbc-pools-data-NAME}), or null.
         */
        Path r2dbcBuild(String client) {
            java.util.regex.Matcher m = WorkerMain.R2DBC_BUILD_CLIENT.matcher(client);
            if (!m.matches()) {
                return null;
            }
            Path build = r2dbcBuilds.get(m.group(2));
            if (build == null) {
                throw new IllegalArgumentException("client " + client + ": no --r2dbc-build " + m.group(2) + "=PATH");
            }
            return build;
        }

        /**
         * The other starter build a Boot client runs on ({@code --starter-build NAME=PATH}: clients
         * {@code pgconn-boot-data-NAME}, {@code pgconn-boot-noobs-data-NAME}), or null.
         */
        Path starterBuild(String client) {
            java.util.regex.Matcher m = WorkerMain.STARTER_BUILD_CLIENT.matcher(client);
            if (!m.matches()) {
                return null;
            }
            Path build = starterBuilds.get(m.group(2));
            if (build == null) {
                throw new IllegalArgumentException("client " + client + ": no --starter-build " + m.group(2) + "=PATH");
            }
            return build;
        }

        /** The other pgconn-core build a client runs on ({@code --pgconn-build NAME=PATH}: client pgconn-NAME), or null. */
        Path pgconnBuild(String client) {
            return client.startsWith(WorkerMain.PGCONN_BUILD_PREFIX)
                    ? pgconnBuilds.get(client.substring(WorkerMain.PGCONN_BUILD_PREFIX.length())) : null;
        }

        /** The primary-key select scenarios: more and shorter turns, read as per-round ratios (see PK_ROUNDS). */
        int rounds(Scenario s) {
            return PK_ROUNDS.contains(s) ? pkRounds : rounds;
        }

        int turnIterations(Scenario s) {
            return PK_ROUNDS.contains(s) ? pkTurn : Math.max(1, maxIterations / rounds);
        }
    }

    private static final List<Scenario> TIMED = List.of(Scenario.TRUST, Scenario.SCRAM, Scenario.SCRAM_REQUIRE, Scenario.SCRAM_VERIFY_FULL,
            Scenario.FAILOVER_FIRST, Scenario.FAILOVER_REPEAT, Scenario.FAILOVER_DIRECT, Scenario.SELECT_ONE, Scenario.IN_FLIGHT_8,
            Scenario.QUERY_PK, Scenario.QUERY_PK_CHAINED, Scenario.QUERY_ROWS, Scenario.PIPELINED_INSERTS, Scenario.STREAM_ROWS,
            Scenario.COPY_IN, Scenario.COPY_OUT, Scenario.DATA_FIND_BY_ID_ONE, Scenario.DATA_FIND_BY_ID, Scenario.DATA_SAVE,
            Scenario.DATA_TX);
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
        Options options = Options.parse(args);
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
            topology = topology(options.scenarios(), endpoints);
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
                cpus = cpuPlacement(options, workers, servers);
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
                if (options.scenarios().equals(TIMED) || options.scenarios().contains(Scenario.HEAP_PER_IDLE)) {
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
        String text = document(options, report, settings, errors, loads, loadBefore, serverVersion, topology, pgbenchVersion,
                pgbenchLatency, pgbenchInFlight, cpus);
        System.out.println(text);
        if (options.results() != null) {
            Path file = options.results().toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            System.err.println("written: " + file);
        }
    }

    private static String document(Options o, Report report, Map<String, String> settings, List<String> errors, List<String> loads,
                                   String loadBefore, String serverVersion, String topology, String pgbenchVersion,
                                   Map<Target, Pgbench.Run> pgbenchLatency, Pgbench.Run inFlight, String cpus) {
        StringBuilder sb = new StringBuilder();
        sb.append("# pgconn connect benchmarks — ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        sb.append("- command: `").append(o.command()).append("`\n");
        sb.append("- code: ").append(Machine.sourceRevision()).append("\n");
        o.pgconnBuilds().forEach((name, path) -> sb.append("- client ").append(WorkerMain.PGCONN_BUILD_PREFIX).append(name)
                .append(": pgconn (as client pgconn) on another pgconn-core build, `").append(path.toAbsolutePath())
                .append("` (`--pgconn-build`)\n"));
        o.r2dbcBuilds().forEach((name, path) -> sb.append("- clients pgconn-r2dbc-data-").append(name).append(", pgconn-r2dbc-pools-data-")
                .append(name).append(": as pgconn-r2dbc-data, pgconn-r2dbc-pools-data on another pgconn-r2dbc build, `")
                .append(path.toAbsolutePath()).append("` (`--r2dbc-build`)\n"));
        o.starterBuilds().forEach((name, path) -> sb.append("- clients pgconn-boot-data-").append(name).append(", pgconn-boot-noobs-data-")
                .append(name).append(": as pgconn-boot-data, pgconn-boot-noobs-data on another pgconn-spring-boot-starter build, `")
                .append(path.toAbsolutePath()).append("` (`--starter-build`)\n"));
        sb.append("- machine: ").append(Machine.describe()).append("\n");
        sb.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append("; workers: one JVM per client, -Xms1g -Xmx1g G1, Netty leak detection off")
                .append(System.getenv("BENCH_WORKER_JVM_ARGS") == null ? "" : ", BENCH_WORKER_JVM_ARGS=`" + System.getenv("BENCH_WORKER_JVM_ARGS") + "`")
                .append('\n');
        sb.append("- servers: PostgreSQL ").append(serverVersion).append(", two pgconn-testkit clusters with the same settings (TLS with")
                .append(" the testkit CA, fsync=off, wal_level=replica, max_connections=").append(o.heapConnections() + 100)
                .append("), on the same machine; per scenario: ").append(topology).append('\n');
        sb.append("- CPUs: ").append(cpus).append('\n');
        sb.append("- baseline: ").append(pgbenchVersion).append(" `-C`, script `SELECT 1;`\n");
        sb.append("- loop: first every client runs each of its scenarios for the warm-up time; then per scenario, each client warms up ").append(o.warmupMs()).append(" ms (TLS: twice), then ")
                .append(o.rounds()).append(" rounds in which the clients (and pgbench) take turns, each turn ")
                .append(o.measureMs() / o.rounds()).append(" ms or ").append(o.maxIterations() / o.rounds())
                .append(" iterations (pgbench: whole seconds); ").append(String.join(", ", PK_ROUNDS.stream().map(Enum::name).toList()))
                .append(": ").append(o.pkRounds()).append(" rounds of ").append(o.pkTurn()).append("-query turns, target read as the median of")
                .append(" per-round p50 ratios; query scenarios: one connection per client and scenario, opened by the warm-up and")
                .append(" measured in every turn; after each connect+close the loop waits until the server backend has exited, plus ").append(o.pauseMs())
                .append(" ms; heap: ").append(o.heapConnections()).append(" idle connections\n");
        sb.append("- load average (1/5/15 min): before ").append(loadBefore).append("; at the start of each scenario: ").append(String.join("; ", loads))
                .append("; after ").append(loadAverage()).append("\n\n");
        sb.append("## Measurements\n\n").append(report.measurements()).append('\n');
        sb.append("## Targets (pgconn / best peer, same run)\n\n").append(report.checksTable()).append('\n');
        String perRound = report.perRoundTable();
        if (!perRound.isEmpty()) {
            sb.append("## Per-round p50 (primary-key selects)\n").append(perRound).append('\n');
        }
        String copies = report.copyTable();
        if (!copies.isEmpty()) {
            sb.append("## COPY (pgconn / each client, same run; rows/s per client turn in the per-round table below)\n").append(copies).append('\n');
        }
        String perRoundRates = report.perRoundThroughputTable();
        if (!perRoundRates.isEmpty()) {
            sb.append("## Per-round statements/s (pipelined scenarios), rows/s (COPY; with --pgconn-build, primary-key p50s too), ratios to pgconn\n").append(perRoundRates).append('\n');
        }
        sb.append("## Client settings\n\n");
        settings.forEach((k, v) -> sb.append("- **").append(k).append("**: ").append(v).append('\n'));
        sb.append("\n## pgbench commands\n\n");
        pgbenchLatency.forEach((t, r) -> sb.append("- ").append(t).append(": `").append(r.command()).append("`\n"));
        if (inFlight != null) {
            sb.append("- 8 in flight: `").append(inFlight.command()).append("`\n");
        }
        if (!errors.isEmpty()) {
            sb.append("\n## Errors\n\n");
            errors.forEach(e -> sb.append("- ").append(e).append('\n'));
        }
        return sb.toString();
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

    /**
     * Where the processes may run, read after the first warm-up (so the query server's backends of the kept query
     * connections, forked after any pinning, are among them): {@code Cpus_allowed_list} of each worker and the set of the
     * query server's processes'.
     */
    private static String cpuPlacement(Options o, List<WorkerProcess> workers, BenchServers servers) throws IOException {
        String workerCpus = workers.stream().map(w -> w.client() + " " + CpuPinning.allowedCpus(w.pid())).collect(Collectors.joining(", "));
        List<Long> server = servers.queryServerProcesses();
        String serverCpus = server.stream().map(CpuPinning::allowedCpus).distinct().collect(Collectors.joining(" | "));
        return (o.pinning() == null ? "not pinned (the scheduler places every process; default)"
                : "--pin-cpus " + o.pinning().clientCpus() + ":" + o.pinning().serverCpus() + " (taskset: clients, pgbench and the"
                        + " coordinator on CPUs " + o.pinning().clientCpus() + ", every postgres process on CPUs " + o.pinning().serverCpus() + ")")
                + "; allowed CPUs after the warm-up — workers: " + workerCpus + "; the query server's " + server.size()
                + " processes: " + serverCpus;
    }

    /** Which server each selected scenario ran against, for the results header. */
    private static String topology(List<Scenario> scenarios, Endpoints e) {
        Map<Scenario.Topology, List<String>> by = new EnumMap<>(Scenario.Topology.class);
        for (Scenario s : scenarios) {
            by.computeIfAbsent(s.topology(), t -> new ArrayList<>()).add(s.name());
        }
        List<String> parts = new ArrayList<>();
        by.forEach((t, names) -> {
            boolean alone = t == Scenario.Topology.PRIMARY_ONLY && e.queryPort() != e.primaryPort();
            parts.add(String.join(", ", names) + " → " + (alone ? t.description() : Scenario.Topology.PRIMARY_WITH_STANDBY.description()
                    + (t == Scenario.Topology.PRIMARY_ONLY ? " (--query-server with-standby: the method before session 7)" : ""))
                    + " (port " + (alone ? e.queryPort() : e.primaryPort()) + ")");
        });
        return String.join("; ", parts);
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
