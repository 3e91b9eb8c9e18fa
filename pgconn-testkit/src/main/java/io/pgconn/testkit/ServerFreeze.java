package io.pgconn.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A test server frozen with SIGSTOP — its postmaster and every backend, each by process id — until
 * {@link #close()} sends SIGCONT. Its sockets stay open and its kernel still ACKs (so TCP keepalive
 * sees nothing wrong), but nothing answers: a hung host, not a crashed one. The postmaster is stopped
 * first, so no backend is forked after its children are listed and the list is complete. A backend that
 * exits between the listing and its signal (a session ending as the freeze begins) is no failure: the
 * signal goes to the ones still there. A freeze that cannot stop them all thaws what it stopped before it
 * throws, so a failed freeze never leaves the server stopped for the tests after it.
 */
public final class ServerFreeze implements AutoCloseable {

    private final List<Long> pids = new ArrayList<>();

    private boolean thawed;

    private ServerFreeze(PgServer server) {
        ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElseThrow(() -> new IllegalStateException(
                "no postmaster with pid " + server.pid() + " (" + server.name() + " is not running)"));
        pids.add(postmaster.pid());
        try {
            signal("-STOP");
            postmaster.descendants().forEach(p -> pids.add(p.pid()));
            signal("-STOP");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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

    /** Sends {@code signal} to every listed process; when one has gone meanwhile, again to the ones still there. */
    private void signal(String signal) {
        if (kill(signal, pids) == 0) {
            return;
        }
        List<Long> alive = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
        if (!alive.contains(pids.get(0))) {
            throw new IllegalStateException("kill " + signal + ": the postmaster (pid " + pids.get(0) + ") is not running");
        }
        int exit = kill(signal, alive);
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " " + alive + " exited with " + exit);
        }
    }

    private static int kill(String signal, List<Long> to) {
        if (to.isEmpty()) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        to.forEach(pid -> command.add(Long.toString(pid)));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
