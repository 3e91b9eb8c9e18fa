package io.pgconn.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A test server frozen with SIGSTOP — its postmaster and every backend, each by process id — until
 * {@link #close()} sends SIGCONT. Its sockets stay open and its kernel still ACKs (so TCP keepalive
 * sees nothing wrong), but nothing answers: a hung host, not a crashed one. Backends forked after the
 * freeze cannot exist (the postmaster is stopped), so the list taken at the start is complete.
 */
public final class ServerFreeze implements AutoCloseable {

    private final List<Long> pids = new ArrayList<>();

    private boolean thawed;

    private ServerFreeze(PgServer server) {
        ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElseThrow(() -> new IllegalStateException(
                "no postmaster with pid " + server.pid() + " (" + server.name() + " is not running)"));
        pids.add(postmaster.pid());
        postmaster.descendants().forEach(p -> pids.add(p.pid()));
        signal("-STOP");
    }

    /** Freezes {@code server} now. */
    public static ServerFreeze of(PgServer server) {
        return new ServerFreeze(server);
    }

    /** Thaws the server (SIGCONT); idempotent. */
    @Override
    public synchronized void close() {
        if (!thawed) {
            thawed = true;
            signal("-CONT");
        }
    }

    private void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException(command + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
