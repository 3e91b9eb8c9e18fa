package io.pgconn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine, from /proc: CPU model, count and MHz, memory, kernel. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        try {
            List<String> cpu = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = field(cpu, "model name");
            String mhz = field(cpu, "cpu MHz");
            long cpus = cpu.stream().filter(l -> l.startsWith("processor")).count();
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
            return cpus + " × " + model + " (" + mhz + " MHz, /proc/cpuinfo), " + mem + ", Linux "
                    + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        } catch (IOException e) {
            return "unknown (" + e + ")";
        }
    }

    /** The commit the run measured, e.g. {@code 9b88c5c}, with {@code +changes} when the tree differs from it. */
    static String sourceRevision() {
        try {
            String head = run("git", "rev-parse", "--short", "HEAD");
            String status = run("git", "status", "--porcelain", "--untracked-files=no");
            return head.isEmpty() ? "unknown (no git)" : head + (status.isEmpty() ? "" : " +changes");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? out : "";
    }

    private static String field(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    }
}
