package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.testkit.PgServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** SIGSTOP / SIGCONT of one test server: its postmaster and every backend, each by process id. */
final class Freeze implements AutoCloseable {

    private final List<Long> pids = new ArrayList<>();

    private Freeze(PgServer server) {
        ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElseThrow(() -> new IllegalStateException(
                "no postmaster with pid " + server.pid()));
        this.pids.add(postmaster.pid());
        postmaster.descendants().forEach(p -> this.pids.add(p.pid()));
        signal("-STOP");
    }

    /** Freezes {@code server}: its sockets stay open, nothing answers (a hung host, not a crashed one). */
    static Freeze of(PgServer server) {
        return new Freeze(server);
    }

    @Override
    public void close() {
        signal("-CONT");
    }

    private void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        this.pids.forEach(pid -> command.add(Long.toString(pid)));
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
