package io.pgconn.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pg_ctl} for one data directory, run as the server account, and the postmaster it starts:
 * start, stop, promote, each waiting ({@code -w}) at most the start timeout; and stopping by signal
 * what a failed start or stop left running.
 */
final class PgCtl {

    private final PgBinaries binaries;
    private final Path dataDirectory;
    private final Duration timeout;

    PgCtl(PgBinaries binaries, Path dataDirectory, Duration timeout) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.timeout = timeout;
    }

    /** {@code pg_ctl start}, logging to {@code logFile}, waiting until the server accepts connections. */
    Os.Result start(Path logFile) {
        return waiting(List.of("-l", logFile.toString(), "-w", "-t", seconds(timeout), "-s", "start"));
    }

    /** {@code pg_ctl stop} in {@code mode}, waiting until the postmaster has gone. */
    Os.Result stop(StopMode mode) {
        return waiting(List.of("-m", mode.pgCtlName(), "-w", "-t", seconds(timeout), "-s", "stop"));
    }

    /** {@code pg_ctl promote}, waiting until the promotion is done. */
    Os.Result promote() {
        return waiting(List.of("-w", "-t", seconds(timeout), "-s", "promote"));
    }

    /** The pid in the data directory's {@code postmaster.pid}. */
    long postmasterPid() {
        return Workspace.postmasterPid(dataDirectory.resolve("postmaster.pid"));
    }

    /** Stops whatever postmaster the data directory names, by signal; for failed starts and stops. */
    void killLeftover() {
        Workspace.killPostmasterOf(dataDirectory);
    }

    /** For the shutdown hook: an immediate stop of {@code postmaster} with short deadlines, then SIGKILL. */
    void stopForShutdown(long postmaster) {
        if (postmaster > 0 && Os.isAlive(postmaster)) {
            run(List.of("-m", "immediate", "-w", "-t", "10", "-s", "stop"), Duration.ofSeconds(15));
            if (!Os.awaitExit(postmaster, Duration.ofSeconds(5))) {
                Os.signal(postmaster, "KILL");
            }
        }
    }

    private Os.Result waiting(List<String> args) {
        return run(args, timeout.plusSeconds(15));
    }

    private Os.Result run(List<String> args, Duration processTimeout) {
        List<String> cmd = new ArrayList<>(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDirectory.toString()));
        cmd.addAll(args);
        return Os.run(Os.asServerAccount(cmd), processTimeout);
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, d.toSeconds()));
    }
}
