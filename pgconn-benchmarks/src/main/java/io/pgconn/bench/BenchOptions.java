package io.pgconn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's command-line options ({@code run.sh}'s arguments, the module README lists them): what to run, for how
 * long, with which clients and builds, and where. Parsed once by {@link BenchMain}; a bad option is an
 * {@link IllegalArgumentException} naming it and what was expected.
 */
record BenchOptions(Path results, long pauseMs, long warmupMs, long measureMs, int rounds, int maxIterations, int heapConnections,
                    List<String> clients, String pgbench, List<Scenario> scenarios, String command, int pkRounds, int pkTurn,
                    boolean queriesWithStandby, Map<String, Path> pgconnBuilds, Map<String, Path> r2dbcBuilds,
                    Map<String, Path> starterBuilds, CpuPinning pinning) {

    /** The clients of a run without --clients (the native libpq client when its binary was built). */
    static final List<String> CLIENTS = java.nio.file.Files.isExecutable(WorkerProcess.NATIVE_LIBPQ_BINARY)
            ? List.of("pgconn", "pgconn-callerrun", "pgconn-jdk", "pgjdbc", "r2dbc", "vertx", WorkerProcess.NATIVE_LIBPQ, "pgconn-r2dbc-data",
            "r2dbc-data", "pgjdbc-data")
            : List.of("pgconn", "pgconn-callerrun", "pgconn-jdk", "pgjdbc", "r2dbc", "vertx", "pgconn-r2dbc-data", "r2dbc-data", "pgjdbc-data");

    /** The scenarios a run without --scenarios times, in this order (the heap per idle connection after them). */
    static final List<Scenario> TIMED = List.of(Scenario.TRUST, Scenario.SCRAM, Scenario.SCRAM_REQUIRE, Scenario.SCRAM_VERIFY_FULL,
            Scenario.FAILOVER_FIRST, Scenario.FAILOVER_REPEAT, Scenario.FAILOVER_DIRECT, Scenario.SELECT_ONE, Scenario.IN_FLIGHT_8,
            Scenario.QUERY_PK, Scenario.QUERY_PK_CHAINED, Scenario.QUERY_ROWS, Scenario.PIPELINED_INSERTS, Scenario.STREAM_ROWS,
            Scenario.COPY_IN, Scenario.COPY_OUT, Scenario.DATA_FIND_BY_ID_ONE, Scenario.DATA_FIND_BY_ID, Scenario.DATA_SAVE,
            Scenario.DATA_TX);

    static BenchOptions parse(String[] args) {
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
                case "--pgconn-build" -> putBuild(pgconnBuilds, a, args[++i],
                        " (the client is pgconn-NAME), PATH a pgconn-core jar or classes directory");
                case "--r2dbc-build" -> putBuild(r2dbcBuilds, a, args[++i],
                        " (the clients are pgconn-r2dbc-data-NAME and pgconn-r2dbc-pools-data-NAME, named with --clients),"
                        + " PATH a pgconn-r2dbc jar or classes directory");
                case "--starter-build" -> putBuild(starterBuilds, a, args[++i],
                        " (the clients are pgconn-boot-data-NAME and pgconn-boot-noobs-data-NAME, named with --clients),"
                        + " PATH a pgconn-spring-boot-starter jar or classes directory");
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
        return new BenchOptions(results, pause, warmup, measure, rounds, maxIterations, heap, clients, pgbench, scenarios,
                "pgconn-benchmarks/run.sh " + String.join(" ", args), pkRounds, pkTurn,
                queriesWithStandby, Map.copyOf(pgconnBuilds), Map.copyOf(r2dbcBuilds),
                Map.copyOf(starterBuilds), pinning);
    }

    /**
     * A {@code --pgconn-build}/{@code --r2dbc-build}/{@code --starter-build} {@code NAME=PATH} into {@code builds}; a value
     * of another shape is an {@link IllegalArgumentException} naming the option, the value and what {@code expected} says.
     */
    private static void putBuild(Map<String, Path> builds, String option, String value, String expected) {
        String[] nameAndPath = value.split("=", 2);
        if (nameAndPath.length != 2 || !nameAndPath[0].matches("[a-z0-9]+") || nameAndPath[1].isEmpty()) {
            throw new IllegalArgumentException(option + " " + value + ": expected NAME=PATH, NAME in [a-z0-9]+" + expected);
        }
        builds.put(nameAndPath[0], Path.of(nameAndPath[1]));
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
        return namedBuild(WorkerMain.R2DBC_BUILD_CLIENT, r2dbcBuilds, "--r2dbc-build", client);
    }

    /**
     * The other starter build a Boot client runs on ({@code --starter-build NAME=PATH}: clients
     * {@code pgconn-boot-data-NAME}, {@code pgconn-boot-noobs-data-NAME}), or null.
     */
    Path starterBuild(String client) {
        return namedBuild(WorkerMain.STARTER_BUILD_CLIENT, starterBuilds, "--starter-build", client);
    }

    /**
     * The build of {@code builds} a client named by {@code clients} (its second group: the build's NAME) runs on, or null
     * for a client of another name; a NAME no {@code option} gave is an {@link IllegalArgumentException}.
     */
    private static Path namedBuild(java.util.regex.Pattern clients, Map<String, Path> builds, String option, String client) {
        java.util.regex.Matcher m = clients.matcher(client);
        if (!m.matches()) {
            return null;
        }
        Path build = builds.get(m.group(2));
        if (build == null) {
            throw new IllegalArgumentException("client " + client + ": no " + option + " " + m.group(2) + "=PATH");
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
        return BenchMain.PK_ROUNDS.contains(s) ? pkRounds : rounds;
    }

    int turnIterations(Scenario s) {
        return BenchMain.PK_ROUNDS.contains(s) ? pkTurn : Math.max(1, maxIterations / rounds);
    }
}
