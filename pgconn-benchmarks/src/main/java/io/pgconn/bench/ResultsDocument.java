package io.pgconn.bench;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results file of a run ({@code --results FILE}, also printed): how it was run — command, code, builds, machine,
 * JVM, servers and which scenario ran against which, CPU placement, the loop, load — then {@link Report}'s tables,
 * the clients' settings, pgbench's commands and the errors.
 */
final class ResultsDocument {

    private ResultsDocument() {
    }

    /** The whole document. */
    static String of(BenchOptions o, Report report, Map<String, String> settings, List<String> errors, List<String> loads,
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
                .append(" iterations (pgbench: whole seconds); ").append(String.join(", ", BenchMain.PK_ROUNDS.stream().map(Enum::name).toList()))
                .append(": ").append(o.pkRounds()).append(" rounds of ").append(o.pkTurn()).append("-query turns, target read as the median of")
                .append(" per-round p50 ratios; query scenarios: one connection per client and scenario, opened by the warm-up and")
                .append(" measured in every turn; after each connect+close the loop waits until the server backend has exited, plus ").append(o.pauseMs())
                .append(" ms; heap: ").append(o.heapConnections()).append(" idle connections\n");
        sb.append("- load average (1/5/15 min): before ").append(loadBefore).append("; at the start of each scenario: ").append(String.join("; ", loads))
                .append("; after ").append(BenchMain.loadAverage()).append("\n\n");
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

    /**
     * Where the processes may run, read after the first warm-up (so the query server's backends of the kept query
     * connections, forked after any pinning, are among them): {@code Cpus_allowed_list} of each worker and the set of the
     * query server's processes'.
     */
    static String cpuPlacement(BenchOptions o, List<WorkerProcess> workers, BenchServers servers) throws IOException {
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
    static String topology(List<Scenario> scenarios, Endpoints e) {
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
}
