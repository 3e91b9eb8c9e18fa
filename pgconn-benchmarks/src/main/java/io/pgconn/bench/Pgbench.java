package io.pgconn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libpq's numbers from {@code pgbench -C} (a new connection per transaction), with a script of
 * {@code SELECT 1}: average connection time per target (one client) and connections per second
 * with 8 clients on 2 threads. GSS encryption is off so libpq does not probe for it.
 */
final class Pgbench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern COUNT = Pattern.compile("number of transactions actually processed: ([0-9]+)");
    private static final Pattern CONN_TIME = Pattern.compile("average connection time = ([0-9.]+) ms");

    /** Average connection time, tps and transactions (= connections) of one run. */
    record Run(double avgConnectMs, double tps, long count, String command) {

        /** Several runs as one: averages weighted by their counts. */
        static Run combine(List<Run> runs) {
            long n = runs.stream().mapToLong(Run::count).sum();
            double conn = runs.stream().mapToDouble(r -> r.avgConnectMs() * r.count()).sum() / n;
            double tps = runs.stream().mapToDouble(r -> r.tps() * r.count()).sum() / n;
            return new Run(conn, tps, n, runs.get(0).command());
        }
    }

    private final String binary;
    private final Endpoints endpoints;
    private final Path script;
    private final List<String> prefix;

    /** @param prefix the command pgbench is started through (empty; {@code taskset -c CPUS} with {@code --pin-cpus}) */
    Pgbench(String binary, Endpoints endpoints, Path workDir, List<String> prefix) throws IOException {
        this.binary = binary;
        this.prefix = prefix;
        this.endpoints = endpoints;
        Files.createDirectories(workDir);
        this.script = workDir.resolve("select1.sql");
        Files.writeString(script, "SELECT 1;\n");
    }

    String version() throws IOException, InterruptedException {
        return exec(List.of(binary, "--version"), Map.of()).trim();
    }

    Run run(Target target, int clients, int threads, int seconds) throws IOException, InterruptedException {
        Endpoints e = endpoints;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(binary, "-n", "-C", "-c", Integer.toString(clients), "-j", Integer.toString(threads),
                "-T", Integer.toString(seconds), "-f", script.toString(), "-h", e.host(), "-p", Integer.toString(e.primaryPort())));
        Map<String, String> env = new java.util.HashMap<>(Map.of("PGGSSENCMODE", "disable"));
        switch (target) {
            case TRUST -> {
                cmd.addAll(List.of("-U", e.trustUser()));
                env.put("PGSSLMODE", "disable");
            }
            case SCRAM, SCRAM_REQUIRE, SCRAM_VERIFY_FULL -> {
                cmd.addAll(List.of("-U", e.scramUser()));
                env.put("PGPASSWORD", e.scramPassword());
                env.put("PGSSLMODE", switch (target) {
                    case SCRAM -> "disable";
                    case SCRAM_REQUIRE -> "require";
                    default -> "verify-full";
                });
                if (target == Target.SCRAM_VERIFY_FULL) {
                    env.put("PGSSLROOTCERT", e.caFile());
                }
            }
            case FAILOVER -> throw new IllegalArgumentException("pgbench has no failover scenario");
        }
        cmd.add(e.database());
        String out = exec(cmd, env);
        Matcher tps = TPS.matcher(out);
        Matcher conn = CONN_TIME.matcher(out);
        Matcher count = COUNT.matcher(out);
        if (!tps.find() || !conn.find() || !count.find()) {
            throw new IllegalStateException("unexpected pgbench output for " + target + ":\n" + out);
        }
        StringBuilder shown = new StringBuilder();
        env.forEach((k, v) -> shown.append(k.equals("PGPASSWORD") ? k + "=*** " : k + "=" + v + " "));
        return new Run(Double.parseDouble(conn.group(1)), Double.parseDouble(tps.group(1)), Long.parseLong(count.group(1)), shown + String.join(" ", cmd));
    }

    private static String exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench failed (" + String.join(" ", cmd) + "):\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
