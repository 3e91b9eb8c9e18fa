package io.pgconn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns one run's results into the markdown tables: measurements, then ratios against the targets. */
final class Report {

    static final String PGCONN = "pgconn";
    static final String PGCONN_JDK = "pgconn-jdk";
    /** pgconn on caller-run event loops (docs/query.md §1): runs QUERY_PK only, rated there next to {@link #PGCONN}. */
    static final String PGCONN_CALLERRUN = "pgconn-callerrun";
    static final List<String> PEERS = List.of("pgjdbc", "r2dbc", "vertx");
    /** The Spring Data scenarios' pair: pgconn-r2dbc and its anchor r2dbc-postgresql, both under Spring Data R2DBC + r2dbc-pool. */
    static final String PGCONN_DATA = "pgconn-r2dbc-data";
    static final String R2DBC_DATA = "r2dbc-data";
    /** libpq itself (the native worker): the yardstick of the connect path, never counted as a peer. */
    static final String NATIVE = WorkerProcess.NATIVE_LIBPQ;

    private final List<Result> results;
    private final Map<Target, Pgbench.Run> pgbenchLatency;
    private final Pgbench.Run pgbenchInFlight;
    private final List<TurnP50s> turns;

    Report(List<Result> results, Map<Target, Pgbench.Run> pgbenchLatency, Pgbench.Run pgbenchInFlight, List<TurnP50s> turns) {
        this.results = results;
        this.pgbenchLatency = pgbenchLatency;
        this.pgbenchInFlight = pgbenchInFlight;
        this.turns = turns;
    }

    String measurements() {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | client | p50 ms | p90 ms | p99 ms | mean ms | ops/s | client CPU ms/op | n |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Scenario s : Scenario.values()) {
            for (Result r : of(s)) {
                if (s == Scenario.QUERY_ROWS) {
                    sb.append(row(s.title(), r.client(), ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.mean()),
                            String.format(Locale.ROOT, "%,.0f rows/s; %,.0f B allocated/row", r.throughput(), r.value()), ms(r.cpuMs()), r.n()));
                } else if (s.copy()) {
                    sb.append(row(s.title(), r.client(), ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.mean()),
                            String.format(Locale.ROOT, "%,.0f rows/s; %s B allocated/row", r.throughput(),
                                    Double.isNaN(r.value()) ? "n/a" : String.format(Locale.ROOT, "%,.1f", r.value())), ms(r.cpuMs()), r.n()));
                } else if (s.pipelined()) {
                    sb.append(row(s.title(), r.client(), "", "", "", "", String.format(Locale.ROOT, "%,.0f statements/s", r.throughput()),
                            ms(r.cpuMs()), r.n()));
                } else if (s == Scenario.STREAM_ROWS) {
                    sb.append(row(s.title(), r.client(), "", "", "", "", String.format(Locale.ROOT, "%,.0f B live heap; %,.0f rows/s",
                            r.value(), r.throughput()), "", r.n()));
                } else if (s.springData() && r.n() == 0) {
                    sb.append(row(s.title(), r.client(), "", "", "", "", "**failed** (see Errors)", "", 0));
                } else if (s.springData()) {
                    sb.append(row(s.title(), r.client(), ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.mean()),
                            String.format(Locale.ROOT, "%,.0f %s/s; %,.0f B allocated/%s", r.throughput(),
                                    s == Scenario.DATA_SAVE ? "saves" : s == Scenario.DATA_TX ? "units" : "requests", r.value(),
                                    s == Scenario.DATA_TX ? "unit" : "request"),
                            ms(r.cpuMs()), r.n()));
                } else if (s == Scenario.HEAP_PER_IDLE) {
                    sb.append(row(s.title(), r.client(), "", "", "", "", String.format(Locale.ROOT, "%,.0f B", r.value()), "", r.n()));
                } else if (s == Scenario.IN_FLIGHT_8) {
                    sb.append(row(s.title(), r.client(), "", "", "", "", String.format(Locale.ROOT, "%,.0f conn/s", r.throughput()), ms(r.cpuMs()),
                            r.n()));
                } else {
                    sb.append(row(s.title(), r.client(), ms(r.p50()), ms(r.p90()), ms(r.p99()), ms(r.mean()),
                            String.format(Locale.ROOT, "%,.0f", r.throughput()), s == Scenario.CLOSE ? "" : ms(r.cpuMs()), r.n()));
                }
            }
            Target t = s.target();
            if (s.name().equals(t.name()) && pgbenchLatency.containsKey(t)) {
                sb.append(row(s.title(), "pgbench -C (libpq)", "", "", "", ms(pgbenchLatency.get(t).avgConnectMs()) + " (avg)", "", "", 0));
            }
            if (s == Scenario.IN_FLIGHT_8 && pgbenchInFlight != null) {
                sb.append(row(s.title(), "pgbench -C -c 8 -j 2", "", "", "", "",
                        String.format(Locale.ROOT, "%,.0f conn/s", pgbenchInFlight.tps()), "", 0));
            }
        }
        return sb.toString();
    }

    /** One line per target: the measured ratio, the goal and whether it was met. */
    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        lowerIsBetter(checks, "trust p50 vs fastest peer", PGCONN, Scenario.TRUST, PEERS, 1.0);
        lowerIsBetter(checks, "SCRAM p50 vs fastest peer", PGCONN, Scenario.SCRAM, PEERS, 0.85);
        lowerIsBetter(checks, "trust p50 vs native libpq", PGCONN, Scenario.TRUST, List.of(NATIVE), 1.05);
        lowerIsBetter(checks, "close() p50 vs native libpq", PGCONN, Scenario.CLOSE, List.of(NATIVE), 2.0);
        for (String client : List.of(PGCONN, PGCONN_JDK)) {
            for (Scenario s : List.of(Scenario.SCRAM_REQUIRE, Scenario.SCRAM_VERIFY_FULL)) {
                String what = s == Scenario.SCRAM_REQUIRE ? "SCRAM+require" : "SCRAM+verify-full";
                lowerIsBetter(checks, what + " p50 vs fastest Java peer", client, s, PEERS, 0.85);
                Pgbench.Run pg = pgbenchLatency.get(s.target());
                find(client, s).ifPresent(r -> {
                    if (pg != null) {
                        checks.add(new Check(client, what + " mean vs pgbench average connect", r.mean() / pg.avgConnectMs(), 1.0, "pgbench", true));
                    }
                });
            }
        }
        Optional<Result> repeat = find(PGCONN, Scenario.FAILOVER_REPEAT);
        Optional<Result> direct = find(PGCONN, Scenario.FAILOVER_DIRECT).or(() -> find(PGCONN, Scenario.TRUST));
        if (repeat.isPresent() && direct.isPresent()) {
            checks.add(new Check(PGCONN, "repeat failover p50 vs direct connect to primary (same rounds)",
                    repeat.get().p50() / direct.get().p50(), 1.05, "pgconn direct", true));
        }
        lowerIsBetter(checks, "first failover p50 vs fastest peer", PGCONN, Scenario.FAILOVER_FIRST, PEERS, 1.0);
        find(PGCONN, Scenario.IN_FLIGHT_8).ifPresent(r -> {
            if (pgbenchInFlight != null) {
                checks.add(new Check(PGCONN, "8 in flight conn/s vs pgbench -C", r.throughput() / pgbenchInFlight.tps(), 0.97, "pgbench", false));
            }
        });
        find(PGCONN, Scenario.CLOSE).ifPresent(r ->
                checks.add(new Check(PGCONN, "close() mean, ms (absolute)", r.mean(), 0.3, "-", true)));
        for (String client : List.of(PGCONN, PGCONN_CALLERRUN)) { // the default loops, and the caller-run loops (opt-in)
            perRound(checks, "PK select p50 vs fastest peer (caller blocked on each), median of per-round ratios", client, Scenario.QUERY_PK, 1.0);
            lowerIsBetter(checks, "PK select p50 vs fastest peer (caller blocked on each), pooled p50s", client, Scenario.QUERY_PK, PEERS, 1.0);
        }
        perRound(checks, "PK select p50 vs fastest peer (chained from completions; pgjdbc: its blocking loop), median of per-round ratios",
                PGCONN, Scenario.QUERY_PK_CHAINED, 1.0);
        lowerIsBetter(checks, "PK select p50 vs fastest peer (chained from completions; pgjdbc: its blocking loop), pooled p50s", PGCONN,
                Scenario.QUERY_PK_CHAINED, PEERS, 1.0);
        higherIsBetter(checks, "1,000-row read rows/s vs fastest peer", Scenario.QUERY_ROWS, PEERS, Result::throughput, 1.0);
        smallestValue(checks, "1,000-row read bytes allocated/row vs smallest peer", Scenario.QUERY_ROWS, PEERS);
        higherIsBetter(checks, "pipelined inserts statements/s vs vertx pipelining", Scenario.PIPELINED_INSERTS, List.of("vertx"),
                Result::throughput, 1.0);
        higherIsBetter(checks, "pipelined inserts statements/s vs pgjdbc's loop", Scenario.PIPELINED_INSERTS, List.of("pgjdbc"),
                Result::throughput, 3.0);
        smallestValue(checks, "100,000-row stream live heap vs smallest peer", Scenario.STREAM_ROWS, PEERS);
        for (Scenario s : List.of(Scenario.COPY_IN, Scenario.COPY_OUT)) {
            String what = s == Scenario.COPY_IN ? "COPY FROM STDIN" : "COPY TO STDOUT";
            higherIsBetter(checks, what + " rows/s vs fastest Java peer (no issue-13 goal; 1.0 shown)", s, PEERS, Result::throughput, 1.0);
            smallestValue(checks, what + " bytes allocated/row vs smallest Java peer (no issue-13 goal; 1.0 shown)", s, PEERS);
        }
        lowerIsBetter(checks, "Spring Data findById p50, 16 concurrent, vs r2dbc-postgresql", PGCONN_DATA, Scenario.DATA_FIND_BY_ID,
                List.of(R2DBC_DATA), 0.8);
        lowerIsBetter(checks, "Spring Data findById p50, one in flight, vs r2dbc-postgresql (no goal of its own; the issue's ≤ 0.8)",
                PGCONN_DATA, Scenario.DATA_FIND_BY_ID_ONE, List.of(R2DBC_DATA), 0.8);
        higherIsBetter(checks, "Spring Data saves/s, 16 concurrent, vs r2dbc-postgresql", PGCONN_DATA, Scenario.DATA_SAVE,
                List.of(R2DBC_DATA), Result::throughput, 1.25);
        higherIsBetter(checks, "Spring transaction units/s (3 statements), 16 concurrent, vs r2dbc-postgresql (no issue goal; 1.0 shown)",
                PGCONN_DATA, Scenario.DATA_TX, List.of(R2DBC_DATA), Result::throughput, 1.0);
        find(PGCONN_DATA, Scenario.DATA_TX).ifPresent(mine -> find(R2DBC_DATA, Scenario.DATA_TX).ifPresent(peer -> {
            checks.add(new Check(PGCONN_DATA, "Spring transaction client CPU per unit vs r2dbc-postgresql (no issue goal; 1.0 shown)",
                    mine.cpuMs() / peer.cpuMs(), 1.0, R2DBC_DATA, true));
            checks.add(new Check(PGCONN_DATA, "Spring transaction bytes allocated per unit vs r2dbc-postgresql (no issue goal; 1.0 shown)",
                    mine.value() / peer.value(), 1.0, R2DBC_DATA, true));
        }));
        Optional<Result> heap = find(PGCONN, Scenario.HEAP_PER_IDLE);
        Optional<Result> smallest = PEERS.stream().map(p -> find(p, Scenario.HEAP_PER_IDLE)).flatMap(Optional::stream)
                .min(Comparator.comparingDouble(Result::value));
        if (heap.isPresent() && smallest.isPresent()) {
            checks.add(new Check(PGCONN, "heap per idle connection vs smallest peer", heap.get().value() / smallest.get().value(), 1.0,
                    smallest.get().client(), true));
        }
        return checks;
    }

    String checksTable() {
        StringBuilder sb = new StringBuilder("| client | target | measured | goal | against | met |\n|---|---|---:|---:|---|:---:|\n");
        for (Check c : checks()) {
            sb.append("| ").append(c.client()).append(" | ").append(c.what()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", c.value())).append(c.what().contains("absolute") ? "" : "×")
                    .append(" | ").append(c.atMost() ? "≤ " : "≥ ").append(String.format(Locale.ROOT, "%.2f", c.goal()))
                    .append(" | ").append(c.against()).append(" | ").append(c.met() ? "yes" : "**no**").append(" |\n");
        }
        return sb.toString();
    }

    private void lowerIsBetter(List<Check> checks, String what, String client, Scenario s, List<String> peers, double goal) {
        Optional<Result> mine = find(client, s);
        Optional<Result> best = peers.stream().map(p -> find(p, s)).flatMap(Optional::stream).min(Comparator.comparingDouble(Result::p50));
        if (mine.isPresent() && best.isPresent()) {
            checks.add(new Check(client, what, mine.get().p50() / best.get().p50(), goal, best.get().client(), true));
        }
    }

    /**
     * {@code client}'s p50 in round k over the fastest peer's p50 in the same round, the median over the rounds
     * (rounds every client took part in); {@code against} says which peer was fastest how often.
     */
    private void perRound(List<Check> checks, String what, String client, Scenario s, double goal) {
        List<Double> ratios = new ArrayList<>();
        Map<String, Integer> fastest = new LinkedHashMap<>();
        for (Round r : rounds(s, client)) {
            ratios.add(r.ratio());
            fastest.merge(r.fastestPeer(), 1, Integer::sum);
        }
        if (ratios.isEmpty()) {
            return;
        }
        long met = ratios.stream().filter(x -> x <= goal).count();
        checks.add(new Check(client, what + " (" + ratios.size() + " rounds, ≤ goal in " + met + ")", median(ratios), goal,
                "fastest peer of each round: " + fastest.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "×")
                        .collect(java.util.stream.Collectors.joining(", ")), true));
    }

    /** One round of a per-round scenario: every client's p50 of its turn in it, and one pgconn client's over the fastest peer's. */
    record Round(int index, Map<String, Double> p50, String fastestPeer, double ratio) {
    }

    /** The rounds of {@code s} with {@link #PGCONN}'s ratio. */
    List<Round> rounds(Scenario s) {
        return rounds(s, PGCONN);
    }

    /** The rounds of {@code s} with {@code client}'s ratio (none when {@code client} did not run it). */
    List<Round> rounds(Scenario s, String client) {
        Map<String, List<Double>> byClient = new LinkedHashMap<>();
        for (TurnP50s t : turns) {
            if (t.scenario() == s) {
                byClient.put(t.client(), t.p50Ms());
            }
        }
        List<Double> mine = byClient.get(client);
        List<String> peers = PEERS.stream().filter(byClient::containsKey).toList();
        List<Round> rounds = new ArrayList<>();
        if (mine == null || peers.isEmpty()) {
            return rounds;
        }
        int n = byClient.values().stream().mapToInt(List::size).min().orElse(0);
        for (int k = 0; k < n; k++) {
            int round = k;
            Map<String, Double> p50 = new LinkedHashMap<>();
            byClient.forEach((c, v) -> p50.put(c, v.get(round)));
            String best = peers.stream().min(Comparator.comparingDouble(p50::get)).orElseThrow();
            rounds.add(new Round(k + 1, p50, best, mine.get(k) / p50.get(best)));
        }
        return rounds;
    }

    /**
     * The pipelined scenarios' statements/s of each client's turn in each round (rounds every client took part in), and
     * each client's per-round ratio to pgconn's: the spread from round to round is what an A/B of two builds
     * ({@code --pgconn-build}) is read against. With such builds in the run, the same for the primary-key selects'
     * per-round p50s. Empty when none ran.
     */
    String perRoundThroughputTable() {
        StringBuilder sb = new StringBuilder();
        boolean builds = turns.stream().anyMatch(t -> !t.client().equals(PGCONN) && !PEERS.contains(t.client())
                && t.client().startsWith(WorkerMain.PGCONN_BUILD_PREFIX));
        for (Scenario s : Scenario.values()) {
            boolean rates = s.pipelined() || s.copy();
            if (!rates && !(builds && BenchMain.PK_ROUNDS.contains(s))) {
                continue;
            }
            String unit = s.pipelined() ? "statements/s" : s.copy() ? "rows/s" : "p50 ms";
            Map<String, List<Double>> byClient = new LinkedHashMap<>();
            for (TurnP50s t : turns) {
                if (t.scenario() == s) {
                    byClient.put(t.client(), t.p50Ms());
                }
            }
            int n = byClient.values().stream().mapToInt(List::size).min().orElse(0);
            if (n == 0) {
                continue;
            }
            List<String> clients = new ArrayList<>(byClient.keySet());
            List<String> others = clients.stream().filter(c -> !c.equals(PGCONN)).toList();
            boolean ratios = byClient.containsKey(PGCONN) && !others.isEmpty();
            sb.append("\n").append(s.name()).append(" (").append(s.title()).append("), ").append(unit)
                    .append(" of each client's turn in each round:\n\n");
            sb.append("| round | ").append(String.join(" | ", clients)).append(" |");
            if (ratios) {
                others.forEach(c -> sb.append(' ').append(c).append(" / pgconn |"));
            }
            sb.append("\n|---:|").append("---:|".repeat(clients.size() + (ratios ? others.size() : 0))).append('\n');
            Map<String, List<Double>> ratioOf = new LinkedHashMap<>();
            for (int k = 0; k < n; k++) {
                sb.append("| ").append(k + 1).append(" |");
                for (String c : clients) {
                    sb.append(String.format(Locale.ROOT, rates ? " %,.0f |" : " %.4f |", byClient.get(c).get(k)));
                }
                if (ratios) {
                    for (String c : others) {
                        double r = byClient.get(c).get(k) / byClient.get(PGCONN).get(k);
                        ratioOf.computeIfAbsent(c, x -> new ArrayList<>()).add(r);
                        sb.append(String.format(Locale.ROOT, " %.3f× |", r));
                    }
                }
                sb.append('\n');
            }
            if (ratios) {
                sb.append("\nPer-round ratios to pgconn, median (min–max): ");
                List<String> each = new ArrayList<>();
                ratioOf.forEach((c, r) -> each.add(String.format(Locale.ROOT, "%s %.3f× (%.3f–%.3f)", c, median(r),
                        r.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        r.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN))));
                sb.append(String.join(", ", each)).append(".\n");
            }
        }
        return sb.toString();
    }

    /**
     * The per-round p50s of the per-round scenarios (empty when none ran), with pgconn's — and, where it ran,
     * pgconn-callerrun's — p50 over the fastest peer's in each round.
     */
    String perRoundTable() {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : BenchMain.PK_ROUNDS) {
            List<Round> rounds = rounds(s);
            if (rounds.isEmpty()) {
                continue;
            }
            List<Round> callerRun = rounds(s, PGCONN_CALLERRUN);
            List<String> clients = new ArrayList<>(rounds.get(0).p50().keySet());
            sb.append("\n").append(s.name()).append(" (").append(s.title()).append("), p50 ms of each client's turn in each round:\n\n");
            sb.append("| round | ").append(String.join(" | ", clients)).append(" | pgconn / fastest peer |")
                    .append(callerRun.isEmpty() ? "" : " pgconn-callerrun / fastest peer |").append("\n|---:|");
            sb.append("---:|".repeat(clients.size() + (callerRun.isEmpty() ? 1 : 2))).append('\n');
            for (int k = 0; k < rounds.size(); k++) {
                Round r = rounds.get(k);
                sb.append("| ").append(r.index()).append(" | ");
                for (String c : clients) {
                    sb.append(ms(r.p50().get(c))).append(" | ");
                }
                sb.append(String.format(Locale.ROOT, "%.2f× (%s)", r.ratio(), r.fastestPeer())).append(" |");
                if (!callerRun.isEmpty()) {
                    Round cr = callerRun.get(k);
                    sb.append(String.format(Locale.ROOT, " %.2f× (%s) |", cr.ratio(), cr.fastestPeer()));
                }
                sb.append('\n');
            }
            sb.append("\nMedian of per-round ratios against each peer: ");
            List<String> each = new ArrayList<>();
            for (String client : callerRun.isEmpty() ? List.of(PGCONN) : List.of(PGCONN, PGCONN_CALLERRUN)) {
                for (String peer : PEERS) {
                    if (rounds.get(0).p50().containsKey(peer)) {
                        each.add(String.format(Locale.ROOT, "%s / %s %.2f×", client, peer,
                                median(rounds.stream().map(r -> r.p50().get(client) / r.p50().get(peer)).toList())));
                    }
                }
            }
            sb.append(String.join(", ", each)).append(".\n");
        }
        return sb.toString();
    }

    /**
     * The COPY scenarios, one row per client: rows/s, pgconn's rows/s over the client's (pooled, and the median with
     * min–max of the per-round ratios: each round's turns ran minutes apart at most), bytes allocated per row by the
     * client JVM (libpq: n/a) and pgconn's over the client's, client CPU per copy. Empty when no COPY scenario ran.
     */
    String copyTable() {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : List.of(Scenario.COPY_IN, Scenario.COPY_OUT)) {
            Optional<Result> mine = find(PGCONN, s);
            if (mine.isEmpty()) {
                continue;
            }
            Map<String, List<Double>> perTurn = new LinkedHashMap<>();
            for (TurnP50s t : turns) {
                if (t.scenario() == s) {
                    perTurn.put(t.client(), t.p50Ms());
                }
            }
            sb.append("\n").append(s.name()).append(" (").append(s.title()).append("):\n\n");
            sb.append("| client | rows/s | pgconn / client, rows/s (pooled) | per round: median (min–max) | B allocated/row |")
                    .append(" pgconn / client, B/row | client CPU ms per copy | copies |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Result r : of(s)) {
                List<Double> m = perTurn.get(PGCONN);
                List<Double> c = perTurn.get(r.client());
                List<Double> ratios = new ArrayList<>();
                for (int k = 0; m != null && c != null && k < Math.min(m.size(), c.size()); k++) {
                    ratios.add(m.get(k) / c.get(k));
                }
                boolean self = r.client().equals(PGCONN);
                sb.append("| ").append(r.client()).append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.throughput())).append(" | ")
                        .append(self ? "" : String.format(Locale.ROOT, "%.2f×", mine.get().throughput() / r.throughput())).append(" | ")
                        .append(self || ratios.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(ratios),
                                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN))).append(" | ")
                        .append(Double.isNaN(r.value()) ? "n/a" : String.format(Locale.ROOT, "%,.1f", r.value())).append(" | ")
                        .append(self || Double.isNaN(r.value()) ? "" : ratio(mine.get().value() / r.value()))
                        .append(" | ").append(ms(r.cpuMs())).append(" | ").append(r.n()).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** A ratio with two decimals, or three significant ones below 0.1 (bytes per row can differ a hundredfold). */
    private static String ratio(double r) {
        return String.format(Locale.ROOT, r < 0.1 ? "%.3g×" : "%.2f×", r);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void higherIsBetter(List<Check> checks, String what, Scenario s, List<String> peers,
                                java.util.function.ToDoubleFunction<Result> measure, double goal) {
        higherIsBetter(checks, what, PGCONN, s, peers, measure, goal);
    }

    private void higherIsBetter(List<Check> checks, String what, String client, Scenario s, List<String> peers,
                                java.util.function.ToDoubleFunction<Result> measure, double goal) {
        Optional<Result> mine = find(client, s);
        Optional<Result> best = peers.stream().map(p -> find(p, s)).flatMap(Optional::stream).max(Comparator.comparingDouble(measure));
        if (mine.isPresent() && best.isPresent()) {
            checks.add(new Check(client, what, measure.applyAsDouble(mine.get()) / measure.applyAsDouble(best.get()), goal,
                    best.get().client(), false));
        }
    }

    private void smallestValue(List<Check> checks, String what, Scenario s, List<String> peers) {
        Optional<Result> mine = find(PGCONN, s);
        Optional<Result> smallest = peers.stream().map(p -> find(p, s)).flatMap(Optional::stream).min(Comparator.comparingDouble(Result::value));
        if (mine.isPresent() && smallest.isPresent()) {
            checks.add(new Check(PGCONN, what, mine.get().value() / Math.max(1, smallest.get().value()), 1.0, smallest.get().client(), true));
        }
    }

    private List<Result> of(Scenario s) {
        Map<String, Result> byClient = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.scenario() == s) {
                byClient.put(r.client(), r);
            }
        }
        return new ArrayList<>(byClient.values());
    }

    private Optional<Result> find(String client, Scenario s) {
        return results.stream().filter(r -> r.client().equals(client) && r.scenario() == s).findFirst();
    }

    private static String row(String scenario, String client, String p50, String p90, String p99, String mean, String ops, String cpu,
                              int n) {
        return "| " + scenario + " | " + client + " | " + p50 + " | " + p90 + " | " + p99 + " | " + mean + " | " + ops + " | " + cpu + " | "
                + (n == 0 ? "" : Integer.toString(n)) + " |\n";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A target: {@code value} against {@code goal} ({@code atMost}: value ≤ goal is met, else value ≥ goal). */
    record Check(String client, String what, double value, double goal, String against, boolean atMost) {
        boolean met() {
            return atMost ? value <= goal : value >= goal;
        }
    }
}
