package io.pgconn.bench;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgUser;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One turn of a two-build A/B ({@code PoolResetAB}, {@code R2dbcReleaseAB}): a worker JVM on one build's class path,
 * its measurement the last line it prints. Fresh JVMs with the same heap and collector for every turn, so that one
 * build's JIT and heap state never flatter the other's.
 */
final class AbTurn {

    private AbTurn() {
    }

    /** The builds to compare, {@code name=classpath} each, from {@code args[from]} on. */
    static List<String[]> builds(String[] args, int from) {
        List<String[]> builds = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            builds.add(args[i].split("=", 2));
        }
        return builds;
    }

    /** A PostgreSQL 18 primary without standbys, its trust user {@link BenchServers#TRUST_USER}, for the workers. */
    static PgCluster trustServer(String name) {
        return PgCluster.builder().name(name).majorVersion(18)
                .user(PgUser.named(BenchServers.TRUST_USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .standbys(0).start();
    }

    /**
     * {@code rounds} rounds of one turn per build, in reverse order every other round (no build always goes first),
     * each printed as {@code name | the worker's last line}.
     */
    static void alternate(Class<?> main, int rounds, List<String[]> builds, String... workerArgs) throws Exception {
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < builds.size(); k++) {
                String[] build = builds.get(round % 2 == 0 ? k : builds.size() - 1 - k);
                System.out.println(build[0] + " | " + lastLine(main, build[1], workerArgs));
            }
        }
    }

    /** Runs {@code main}'s {@code worker} mode on {@code classpath} with {@code args}; its last line of output. */
    static String lastLine(Class<?> main, String classpath, String... args) throws Exception {
        String[] command = new String[8 + args.length];
        String[] fixed = {"java", "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled", "-cp",
                classpath, main.getName()};
        System.arraycopy(fixed, 0, command, 0, fixed.length);
        System.arraycopy(args, 0, command, fixed.length, args.length);
        Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = "";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                last = line;
            }
        }
        if (worker.waitFor() != 0) {
            throw new IllegalStateException("worker failed: " + last);
        }
        return last;
    }
}
