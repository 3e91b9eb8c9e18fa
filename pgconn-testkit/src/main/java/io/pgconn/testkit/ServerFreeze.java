package io.pgconn.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A test server frozen with SIGSTOP — its postmaster and every backend, each by process id — until
 * {@link #close()} sends SIGCONT. Its sockets stay open and its kernel still ACKs (so TCP keepalive
 * sees nothing wrong), but nothing answers: a hung host, not a crashed one. The postmaster is stopped
 * first, so no backend is forked after its children are listed and the list is complete. A backend that
 * exits between the listing and its signal (a session ending as the freeze begins) is no failure: the
 * signal still reaches the ones still there (as does a thaw's, when the postmaster reaps a backend the moment it runs
 * again). A freeze that cannot stop them all thaws what it stopped before it
 * throws, so a failed freeze never leaves the server stopped for the tests after it. {@link #of} returns once every
 * process is stopped (a SIGSTOP takes effect when its process next enters the kernel, not when {@code kill} returns).
 */
public final class ServerFreeze implements AutoCloseable {

    /** How long the processes may take to stop after their SIGSTOP. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** How often a process's state is read while waiting for it to stop. */
    private static final Duration STOP_POLL = Duration.ofNanos(200_000);

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
            awaitStopped();
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException thawFailed) {
                e.addSuppressed(thawFailed);
            }
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
            checkThawed();
        }
    }

    /**
     * Waits until every listed process is stopped (or gone): a SIGSTOP takes effect when the process next runs in the
     * kernel, so one running on the other CPU may still be running when {@code kill} returns.
     */
    private void awaitStopped() {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (long pid : pids) {
            char state;
            while ((state = state(pid)) != 'T' && state != 't' && state != 'Z' && state != ' ') {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("process " + pid + " is still in state " + state + " "
                            + STOP_TIMEOUT.toMillis() + " ms after SIGSTOP");
                }
                LockSupport.parkNanos(STOP_POLL.toNanos());
            }
        }
    }

    /** The process's state letter from /proc (T: stopped, Z: a zombie); ' ' when it has gone. */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException gone) {
            return ' ';
        }
    }

    /**
     * Sends {@code signal} to every listed process. {@code kill} goes on past a pid that has gone and then exits 1: a
     * backend that exited (a session ending as the freeze begins, or one reaped by the postmaster the moment a thaw lets it
     * run) is no failure; a postmaster that has gone is.
     */
    private void signal(String signal) {
        if (kill(signal, pids) != 0 && state(pids.get(0)) == ' ') {
            throw new IllegalStateException("kill " + signal + ": the postmaster (pid " + pids.get(0) + ") is not running");
        }
    }

    /** After the SIGCONT: a listed process still stopped is a failed thaw, named here rather than by a hung test later. */
    private void checkThawed() {
        List<Long> stopped = pids.stream().filter(pid -> state(pid) == 'T').toList();
        if (!stopped.isEmpty()) {
            throw new IllegalStateException("processes " + stopped + " are still stopped after SIGCONT");
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
