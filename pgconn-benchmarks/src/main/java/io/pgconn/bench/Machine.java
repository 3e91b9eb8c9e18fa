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

    private static String field(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    }
}
