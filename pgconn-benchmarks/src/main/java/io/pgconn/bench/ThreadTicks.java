package io.pgconn.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** CPU time by thread of this JVM, for the profiling drivers (ConnectProfile, QueryProfile). */
final class ThreadTicks {

    private ThreadTicks() {
    }

    /** utime, stime (clock ticks, 10 ms) per thread name from /proc/self/task; threads of one name summed. */
    static Map<String, long[]> read() throws IOException {
        Map<String, long[]> ticks = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long[] t = ticks.computeIfAbsent(comm, k -> new long[2]);
                t[0] += Long.parseLong(f[11]);
                t[1] += Long.parseLong(f[12]);
            }
        }
        return ticks;
    }

    /**
     * Context switches (voluntary + involuntary) of every thread of this JVM so far, from
     * /proc/self/task/N/status; a thread that ended meanwhile drops out, so take the difference over a
     * stretch in which the measured threads live.
     */
    static long contextSwitches() {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }
}
