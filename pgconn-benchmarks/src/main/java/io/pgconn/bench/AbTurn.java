package io.pgconn.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * One turn of a two-build A/B ({@code PoolResetAB}, {@code R2dbcReleaseAB}): a worker JVM on one build's class path,
 * its measurement the last line it prints. Fresh JVMs with the same heap and collector for every turn, so that one
 * build's JIT and heap state never flatter the other's.
 */
final class AbTurn {

    private AbTurn() {
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
