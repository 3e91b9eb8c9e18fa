package io.pgconn.bench;

import io.pgconn.config.SslProviderKind;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One client in its own JVM (JIT, heap and static caches of one library never touch another's),
 * driven by the coordinator over stdin so that all clients take turns in short batches: a change of
 * machine load then hits every client alike. {@code WorkerMain <client> <pauseMs>}, endpoints as
 * {@code -Dbench.*}.
 *
 * <p>Commands, one a line; every answer ends with {@code DONE}:
 * <ul>
 *   <li>{@code WARMUP <scenario> <ms>} — the scenario's loop, untimed</li>
 *   <li>{@code MEASURE <scenario> <ms> <maxIterations>} — timed; timings accumulate per scenario</li>
 *   <li>{@code REPORT <scenario>} — {@code RESULT} line(s) over all batches, and for latency scenarios a
 *       {@code TURNS} line (each measured batch's own p50, in order: the per-round ratios); a query
 *       scenario's kept connection is closed</li>
 *   <li>{@code HEAP <connections>} — heap retained per idle connection</li>
 *   <li>{@code QUIT}</li>
 * </ul>
 * On start it prints {@code SETTINGS} and {@code SUPPORTS} lines; a failed command prints {@code ERROR}.
 *
 * <p>The query scenarios ({@link Scenario#query()}) run on a second instance of the same client, created
 * the same way but with the query server as its primary ({@link Endpoints#forQueries()}), and each on
 * one connection kept from its first warm-up to its {@code REPORT} ({@link Measure.Settings#keepQueryConnections}).
 */
public final class WorkerMain {

    /**
     * A second build of pgconn in the same run ({@code run.sh --pgconn-build NAME=PATH}): the worker of client
     * {@code pgconn-NAME} gets {@code -Dbench.pgconnBuild=NAME}, and its class path has PATH where pgconn-core's was.
     */
    static final String PGCONN_BUILD_PROPERTY = "bench.pgconnBuild";
    static final String PGCONN_BUILD_PREFIX = "pgconn-";
    /** A Spring Data client on another pgconn-r2dbc build ({@code run.sh --r2dbc-build NAME=PATH}): its name, then {@code -NAME}. */
    static final java.util.regex.Pattern R2DBC_BUILD_CLIENT = java.util.regex.Pattern.compile("(pgconn-r2dbc-data|pgconn-r2dbc-pools-data)-([a-z0-9]+)");
    /** A Boot client on another starter build ({@code run.sh --starter-build NAME=PATH}): its name, then {@code -NAME}. */
    static final java.util.regex.Pattern STARTER_BUILD_CLIENT = java.util.regex.Pattern.compile("(pgconn-boot-data|pgconn-boot-noobs-data)-([a-z0-9]+)");

    private final Client client;
    private final Measure measure;
    private final Map<Scenario, Samples> primary = new EnumMap<>(Scenario.class);
    /** Per latency scenario: each measured batch's p50 in ms, in order; per pipelined scenario: each batch's statements/s. */
    private final Map<Scenario, List<Double>> turnP50s = new EnumMap<>(Scenario.class);
    private final String name;
    private final Endpoints endpoints;
    private final Measure.Settings settings;
    private Client queryClient;
    private Measure queryMeasure;
    /** The COPY scenarios' truncate and count, on a connection of its own (made on first use). */
    private CopyTableCheck copyCheck;
    private final Samples closes = new Samples();
    private final Map<Scenario, long[]> cpu = new EnumMap<>(Scenario.class);
    /** Per query scenario: QUERY_ROWS {bytes allocated, rows}; PIPELINED_* {statements, nanos}; STREAM_ROWS {peak live heap, rows, nanos}; COPY_* {bytes allocated, rows, nanos}; DATA_* {requests, nanos, bytes allocated}. */
    private final Map<Scenario, long[]> allocated = new EnumMap<>(Scenario.class);
    private long inFlightCycles;
    private long inFlightNanos;

    private WorkerMain(String name, Endpoints endpoints, Measure.Settings settings, Client client) {
        this.name = name;
        this.endpoints = endpoints;
        this.settings = settings;
        this.client = client;
        this.measure = new Measure(client, settings);
    }

    /** The query scenarios' instance of the client (see the class comment), made on first use. */
    private Measure queries() {
        if (queryMeasure == null) {
            queryClient = create(name, endpoints.forQueries());
            queryMeasure = new Measure(queryClient, settings);
        }
        return queryMeasure;
    }

    public static void main(String[] args) throws Exception {
        Endpoints endpoints = Endpoints.fromSystemProperties();
        // -Dbench.freshQueryConnections=true (through BENCH_WORKER_JVM_ARGS): a new connection per warm-up and turn, the
        // method before session 7, for A/B comparisons of the warm-up only
        Measure.Settings settings = new Measure.Settings(Duration.ofMillis(Long.parseLong(args[1])), 8,
                !Boolean.getBoolean("bench.freshQueryConnections"));
        try (Client client = create(args[0], endpoints)) {
            WorkerMain worker = new WorkerMain(args[0], endpoints, settings, client);
            System.out.println("SETTINGS\t" + client.name() + "\t" + client.settings());
            System.out.println("SUPPORTS\t" + List.of(Scenario.values()).stream()
                    .filter(client::supports)
                    .map(Enum::name).collect(Collectors.joining(",")));
            System.out.println("DONE");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("QUIT")) {
                try {
                    worker.execute(line.split(" "));
                } catch (Exception | Error e) {
                    System.out.println("ERROR\t" + client.name() + "\t" + line + "\t" + String.valueOf(e).replace('\n', ' '));
                    e.printStackTrace();
                }
                System.out.println("DONE");
                System.out.flush();
            }
            worker.measure.close();
            if (worker.queryMeasure != null) {
                worker.queryMeasure.close();
                worker.queryClient.close();
            }
            if (worker.copyCheck != null) {
                worker.copyCheck.close();
            }
        }
        System.exit(0); // peers may leave non-daemon threads behind
    }

    private void execute(String[] command) throws InterruptedException {
        switch (command[0]) {
            case "WARMUP" -> run(Scenario.valueOf(command[1]), Duration.ofMillis(Long.parseLong(command[2])), Integer.MAX_VALUE, false);
            case "MEASURE" -> run(Scenario.valueOf(command[1]), Duration.ofMillis(Long.parseLong(command[2])),
                    Integer.parseInt(command[3]), true);
            case "REPORT" -> {
                Scenario scenario = Scenario.valueOf(command[1]);
                report(scenario).forEach(r -> System.out.println(r.toLine()));
                if (turnP50s.containsKey(scenario)) {
                    System.out.println(new TurnP50s(client.name(), scenario, turnP50s.get(scenario)).toLine());
                }
                if (scenario.query() && queryMeasure != null) {
                    queryMeasure.release(scenario);
                }
            }
            case "HEAP" -> System.out.println(measure.heapPerIdleConnection(Integer.parseInt(command[1])).toLine());
            default -> throw new IllegalArgumentException("unknown command " + String.join(" ", command));
        }
    }

    private void run(Scenario scenario, Duration time, int maxIterations, boolean timed) throws InterruptedException {
        Samples samples = timed ? primary.computeIfAbsent(scenario, s -> new Samples()) : null;
        int before = samples == null ? 0 : samples.size();
        long cpuNanos = switch (scenario) {
            case TRUST -> measure.connectLoop(Target.TRUST, false, time, maxIterations, samples, timed ? closes : null);
            case SCRAM, SCRAM_REQUIRE, SCRAM_VERIFY_FULL, FAILOVER_REPEAT, FAILOVER_DIRECT ->
                    measure.connectLoop(scenario.target(), false, time, maxIterations, samples, timed ? new Samples() : null);
            case FAILOVER_FIRST -> measure.connectLoop(Target.FAILOVER, true, time, maxIterations, samples, timed ? new Samples() : null);
            case SELECT_ONE -> measure.selectOneLoop(time, maxIterations, samples);
            case IN_FLIGHT_8 -> {
                long cpu0 = Measure.processCpuNanos();
                long[] r = measure.inFlightBatch(time);
                if (timed) {
                    inFlightCycles += r[0];
                    inFlightNanos += r[1];
                }
                yield Measure.processCpuNanos() - cpu0;
            }
            case QUERY_PK -> queries().queryPkLoop(time, maxIterations, samples);
            case QUERY_PK_CHAINED -> queries().queryPkChain(time, maxIterations, samples);
            case QUERY_ROWS -> queries().queryRowsLoop(time, maxIterations, samples,
                    timed ? allocated.computeIfAbsent(scenario, x -> new long[3]) : new long[3]);
            case PIPELINED_INSERTS, PIPELINED_PK_64, PIPELINED_PK_128, PIPELINED_PK_256 -> {
                long[] acc = timed ? allocated.computeIfAbsent(scenario, x -> new long[3]) : null;
                long statements = acc == null ? 0 : acc[0];
                long nanos = acc == null ? 0 : acc[1];
                long cpuOfTurn = queries().pipelinedLoop(scenario, time, acc);
                if (acc != null && acc[1] > nanos) { // this turn's statements/s, for the per-round table (TurnP50s)
                    turnP50s.computeIfAbsent(scenario, s -> new ArrayList<>()).add((acc[0] - statements) * 1e9 / (acc[1] - nanos));
                }
                yield cpuOfTurn;
            }
            case COPY_IN, COPY_OUT -> {
                if (copyCheck == null) {
                    copyCheck = new CopyTableCheck(endpoints.forQueries());
                }
                long[] acc = timed ? allocated.computeIfAbsent(scenario, x -> new long[3]) : new long[3];
                long rows = acc[1];
                long nanos = acc[2];
                long cpuOfTurn = queries().copyLoop(scenario, time, maxIterations, samples, acc, copyCheck);
                if (timed && acc[2] > nanos) { // this turn's rows/s, for the per-round table (TurnP50s)
                    turnP50s.computeIfAbsent(scenario, s -> new ArrayList<>()).add((acc[1] - rows) * 1e9 / (acc[2] - nanos));
                }
                yield cpuOfTurn;
            }
            case STREAM_ROWS -> queries().streamLoop(time, timed ? allocated.computeIfAbsent(scenario, x -> new long[3]) : null);
            case DATA_FIND_BY_ID_ONE, DATA_FIND_BY_ID, DATA_SAVE, DATA_TX -> measure.concurrentLoop(time,
                    scenario == Scenario.DATA_FIND_BY_ID_ONE ? 1 : SpringDataWork.CONCURRENT, springDataRequest(scenario),
                    samples, timed ? allocated.computeIfAbsent(scenario, x -> new long[3]) : null);
            case CLOSE, HEAP_PER_IDLE -> throw new IllegalArgumentException(scenario + " is not run on its own");
        };
        if (timed) {
            long[] acc = cpu.computeIfAbsent(scenario, s -> new long[2]);
            acc[0] += cpuNanos;
            acc[1] += switch (scenario) {
                case IN_FLIGHT_8 -> 0;
                case PIPELINED_INSERTS, PIPELINED_PK_64, PIPELINED_PK_128, PIPELINED_PK_256, STREAM_ROWS -> 0; // per statement / per row: from their own counters
                default -> samples.size() - before;
            };
            if (samples != null && samples.size() > before && !scenario.copy()) { // a copy's turn: its rows/s (above)
                long[] turn = java.util.Arrays.copyOfRange(samples.toArray(), before, samples.size());
                turnP50s.computeIfAbsent(scenario, s -> new ArrayList<>()).add(Result.ofLatencies(client.name(), scenario, turn).p50());
            }
        }
    }

    private List<Result> report(Scenario scenario) {
        List<Result> results = new ArrayList<>();
        if (scenario == Scenario.IN_FLIGHT_8) {
            long[] acc = cpu.getOrDefault(scenario, new long[2]);
            results.add(Result.ofThroughput(client.name(), scenario, (int) inFlightCycles, inFlightCycles * 1e9 / inFlightNanos)
                    .withCpu(acc[0] / 1e6 / Math.max(1, inFlightCycles)));
            return results;
        }
        long[] acc = cpu.getOrDefault(scenario, new long[2]);
        long[] q = allocated.getOrDefault(scenario, new long[3]);
        switch (scenario) {
            case QUERY_ROWS -> {
                Result r = Result.ofLatencies(client.name(), scenario, primary.getOrDefault(scenario, new Samples()).toArray());
                // throughput as rows/s, value as bytes allocated per row
                results.add(new Result(r.client(), scenario, r.n(), r.mean(), r.p50(), r.p90(), r.p99(), 1000.0 * 1000.0 / r.mean(),
                        q[1] == 0 ? Double.NaN : (double) q[0] / q[1], acc[0] / 1e6 / Math.max(1, acc[1])));
                return results;
            }
            case COPY_IN, COPY_OUT -> {
                // latencies of whole copies; throughput as rows/s, value as bytes allocated per row, CPU per copy
                Result r = Result.ofLatencies(client.name(), scenario, primary.getOrDefault(scenario, new Samples()).toArray());
                results.add(new Result(r.client(), scenario, r.n(), r.mean(), r.p50(), r.p90(), r.p99(),
                        q[2] == 0 ? Double.NaN : q[1] * 1e9 / q[2], q[1] == 0 ? Double.NaN : (double) q[0] / q[1],
                        acc[0] / 1e6 / Math.max(1, acc[1])));
                return results;
            }
            case PIPELINED_INSERTS, PIPELINED_PK_64, PIPELINED_PK_128, PIPELINED_PK_256 -> {
                results.add(Result.ofThroughput(client.name(), scenario, (int) q[0], q[1] == 0 ? Double.NaN : q[0] * 1e9 / q[1])
                        .withCpu(acc[0] / 1e6 / Math.max(1, q[0])));
                return results;
            }
            case DATA_FIND_BY_ID_ONE, DATA_FIND_BY_ID, DATA_SAVE, DATA_TX -> {
                // latencies of single requests (16 in flight); throughput: requests per second of wall-clock time;
                // value: bytes allocated per request by every thread of the worker
                Result r = Result.ofLatencies(client.name(), scenario, primary.getOrDefault(scenario, new Samples()).toArray());
                results.add(new Result(r.client(), scenario, r.n(), r.mean(), r.p50(), r.p90(), r.p99(),
                        q[1] == 0 ? Double.NaN : q[0] * 1e9 / q[1], q[0] == 0 ? Double.NaN : (double) q[2] / q[0],
                        acc[0] / 1e6 / Math.max(1, acc[1])));
                return results;
            }
            case STREAM_ROWS -> {
                Result r = Result.ofValue(client.name(), scenario, (int) q[1], q[0]);
                results.add(new Result(r.client(), scenario, r.n(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        q[2] == 0 ? Double.NaN : q[1] * 1e9 / q[2], q[0], Double.NaN));
                return results;
            }
            default -> {
            }
        }
        results.add(Result.ofLatencies(client.name(), scenario, primary.getOrDefault(scenario, new Samples()).toArray())
                .withCpu(acc[0] / 1e6 / Math.max(1, acc[1])));
        if (scenario == Scenario.TRUST) {
            results.add(Result.ofLatencies(client.name(), Scenario.CLOSE, closes.toArray()));
        }
        return results;
    }

    /**
     * findById of a pseudo-random existing row, save of a new entity, or DATA_TX's transaction on a pseudo-random row;
     * {@code n} numbers the request.
     */
    private java.util.function.LongFunction<java.util.concurrent.CompletableFuture<?>> springDataRequest(Scenario scenario) {
        if (scenario == Scenario.DATA_TX) {
            TransactionalWork work = (TransactionalWork) client;
            return n -> work.selectUpdateSelect(1 + Math.floorMod(n * 7919L, SpringDataWork.ROWS));
        }
        SpringDataWork work = (SpringDataWork) client;
        if (scenario != Scenario.DATA_SAVE) {
            return n -> work.findById(1 + Math.floorMod(n * 7919L, SpringDataWork.ROWS));
        }
        return n -> work.save(new BenchEntity(null, "saved-" + n, java.math.BigDecimal.valueOf(n % 100_000, 2),
                java.time.OffsetDateTime.now()));
    }

    static Client create(String name, Endpoints endpoints) {
        String build = System.getProperty(PGCONN_BUILD_PROPERTY);
        if (build != null && name.equals(PGCONN_BUILD_PREFIX + build)) {
            return new PgconnClient(endpoints, SslProviderKind.AUTO, name); // `pgconn` on another pgconn-core (WorkerProcess)
        }
        java.util.regex.Matcher otherR2dbc = R2DBC_BUILD_CLIENT.matcher(name);
        if (otherR2dbc.matches()) { // the class path has the other pgconn-r2dbc build (WorkerProcess)
            return otherR2dbc.group(1).equals("pgconn-r2dbc-data") ? SpringDataClient.pgconn(endpoints, name)
                    : SpringDataClient.pgconnPools(endpoints, name);
        }
        java.util.regex.Matcher otherStarter = STARTER_BUILD_CLIENT.matcher(name);
        if (otherStarter.matches()) { // the class path has the other starter build (WorkerProcess)
            return BootDataClient.create(name, otherStarter.group(1), endpoints);
        }
        return switch (name) {
            case "pgconn" -> new PgconnClient(endpoints, SslProviderKind.AUTO);
            case "pgconn-jdk" -> new PgconnClient(endpoints, SslProviderKind.JDK);
            case "pgconn-no-types" -> new PgconnClient(endpoints, SslProviderKind.AUTO, false);
            case "pgconn-openssl" -> new PgconnClient(endpoints, SslProviderKind.OPENSSL);
            case "pgconn-callerrun" -> PgconnClient.callerRun(endpoints, PgconnClient.BLOCKED_CALLER_SPIN);
            case "pgjdbc" -> new PgjdbcClient(endpoints);
            case "r2dbc" -> new R2dbcClient(endpoints);
            case "vertx" -> new VertxClient(endpoints);
            case "pgconn-r2dbc-data" -> SpringDataClient.pgconn(endpoints);
            case "r2dbc-data" -> SpringDataClient.r2dbcPostgresql(endpoints);
            case "pgjdbc-data" -> new JdbcDataClient(endpoints);
            case "pgconn-r2dbc-pools-data" -> SpringDataClient.pgconnPools(endpoints);
            case "pgconn-boot-data", "pgconn-boot-noobs-data", "pgconn-bootr2dbc-data", "r2dbc-boot-data" -> BootDataClient.create(name, name, endpoints);
            default -> throw new IllegalArgumentException("unknown client " + name
                    + " (expected pgconn, pgconn-jdk, pgconn-openssl, pgconn-callerrun, pgjdbc, r2dbc, vertx, pgconn-r2dbc-data, pgconn-r2dbc-pools-data, r2dbc-data, pgjdbc-data,"
                    + " pgconn-boot-data, pgconn-boot-noobs-data, pgconn-bootr2dbc-data or r2dbc-boot-data)");
        };
    }
}
