package io.pgconn.bench;

import io.pgconn.testkit.PgServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code run.sh --pin-cpus CLIENT:SERVER}: every client process of the run (each worker JVM, the native libpq worker,
 * pgbench, and the coordinator itself) on the CPUs {@code CLIENT}, every PostgreSQL process (each postmaster, the
 * processes it has started, and by inheritance every backend it forks later) on the CPUs {@code SERVER} — both
 * {@code taskset} CPU lists, e.g. {@code 0:1}. On a real deployment client and database run on different hosts; on one
 * machine without pinning the scheduler may put a blocked caller and the backend answering it on the same vCPU, a
 * hand-off no two-host deployment has (results/2026-12-06-session21-pk-unpinned.md, -pk-pinned.md). Applied the same way to every client.
 */
record CpuPinning(String clientCpus, String serverCpus) {

    private static final String TASKSET = "/usr/bin/taskset";

    static CpuPinning parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2 || !parts[0].matches("[0-9,-]+") || !parts[1].matches("[0-9,-]+")) {
            throw new IllegalArgumentException("--pin-cpus " + text + ": expected CLIENT:SERVER, two taskset CPU lists such as 0:1");
        }
        if (!Files.isExecutable(Path.of(TASKSET))) {
            throw new IllegalArgumentException("--pin-cpus " + text + ": " + TASKSET + " (util-linux) is missing");
        }
        return new CpuPinning(parts[0], parts[1]);
    }

    /** The prefix that starts a client process on the client CPUs. */
    List<String> clientPrefix() {
        return List.of(TASKSET, "-c", clientCpus);
    }

    /** Moves this JVM (every thread) to the client CPUs. */
    void pinThisProcess() throws IOException, InterruptedException {
        taskset(clientCpus, ProcessHandle.current().pid());
    }

    /**
     * Moves each server's postmaster and every process under it to the server CPUs; backends forked later inherit
     * the postmaster's CPUs. Answers how many processes were moved.
     */
    int pinServers(List<PgServer> servers) throws IOException, InterruptedException {
        int moved = 0;
        for (PgServer server : servers) {
            long postmaster = Long.parseLong(Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim());
            ProcessHandle handle = ProcessHandle.of(postmaster)
                    .orElseThrow(() -> new IllegalStateException("postmaster " + postmaster + " of port " + server.port() + " is not running"));
            List<Long> pids = Stream.concat(Stream.of(handle), handle.descendants()).map(ProcessHandle::pid).toList();
            for (long pid : pids) {
                taskset(serverCpus, pid);
                moved++;
            }
        }
        return moved;
    }

    /** The CPUs a process may run on ({@code Cpus_allowed_list} of /proc/PID/status), for the results header. */
    static String allowedCpus(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static void taskset(String cpus, long pid) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TASKSET, "-a", "-p", "-c", cpus, Long.toString(pid)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }
}
