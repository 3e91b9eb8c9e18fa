package io.pgconn.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process of one server and its control: start (moving to another free port when a first start finds
 * its port taken), stop in a {@link StopMode} ({@code IMMEDIATE} is a crash), promote, reload, and the
 * shutdown hook's stop. Each waits for what it did to be true — {@code pg_ctl -w}, the postmaster gone,
 * recovery left, the new configuration seen by new sessions — never a fixed sleep. Called under the
 * {@link PgServer}'s lock; the state is volatile for readers without it.
 */
final class Postmaster {

    private final String name;
    private final PgBinaries binaries;
    private final ServerDirectory directory;
    private final ServerConfigFiles config;
    private final SuperuserSql sql;
    private final Duration readyTimeout;
    private final PgCtl pgCtl;
    private final ServerLog log;

    private volatile long pid = -1;
    private volatile boolean running;
    private boolean everStarted;

    Postmaster(String name, PgBinaries binaries, ServerDirectory directory, ServerConfigFiles config, SuperuserSql sql,
               Duration readyTimeout) {
        this.name = name;
        this.binaries = binaries;
        this.directory = directory;
        this.config = config;
        this.sql = sql;
        this.readyTimeout = readyTimeout;
        this.pgCtl = new PgCtl(binaries, directory.data(), readyTimeout);
        this.log = new ServerLog(directory.logFile());
    }

    /** @return the postmaster's pid, or -1 when not running (also once it was killed from outside) */
    long pid() {
        return isRunning() ? pid : -1;
    }

    /**
     * Whether the postmaster started here runs: not once stopped, nor once it died without a stop — a {@code kill -9}
     * from outside, as a crash test does (new user 19's F8: it still said running, and {@code start()} did nothing).
     */
    boolean isRunning() {
        return running && Os.isAlive(pid);
    }

    /** Whether it was started and not stopped since, alive or not: a stop then ends what a killed one left. */
    boolean started() {
        return running;
    }

    /**
     * Starts the server and waits until it accepts connections (read-only ones for a standby).
     *
     * @throws PgTestkitException when it does not start; the message holds the end of the server log
     */
    void start() {
        if (running) {
            endKilled();
        }
        for (int attempt = 1; ; attempt++) {
            config.write();
            long logOffset = log.size();
            Os.Result r = pgCtl.start(directory.logFile());
            if (r.ok()) {
                break;
            }
            String logged = log.since(logOffset);
            pgCtl.killLeftover();
            boolean portTaken = logged.contains("could not bind") || logged.contains("Address already in use");
            if (!everStarted && portTaken && attempt < 5) {
                config.moveToFreePort();
                continue;
            }
            throw new PgTestkitException("PostgreSQL " + binaries.version() + " server '" + name + "' did not start "
                    + "(pg_ctl exit " + r.exitCode() + "): " + r.output().trim() + "\n--- end of " + directory.logFile()
                    + " ---\n" + log.tail(40));
        }
        pid = pgCtl.postmasterPid();
        running = true;
        everStarted = true;
    }

    /** Stops the server in {@code mode} and waits until the postmaster is gone (by signal if pg_ctl failed). */
    void stop(StopMode mode) {
        if (!isRunning()) {
            endKilled();
            return;
        }
        long postmaster = pid;
        Os.Result r = pgCtl.stop(mode);
        if (!Os.awaitExit(postmaster, r.ok() ? Duration.ofSeconds(30) : Duration.ZERO)) {
            pgCtl.killLeftover();
        }
        running = false;
        pid = -1;
    }

    /**
     * After the postmaster died without a stop: the server processes it left (its children, which notice the death on
     * their own, but a backend blocked writing to a client may not soon) are killed and waited for — a new postmaster
     * refuses to start while one of them still holds the old shared memory ("pre-existing shared memory block is still
     * in use"). Then its lock files go ({@code postmaster.pid}, the socket's {@code .s.PGSQL.<port>.lock}): the dead
     * postmaster may stay a zombie nobody reaps (a container's init), and a new one takes a pid that still answers
     * {@code kill(pid, 0)} for a running server ("lock file ... already exists").
     */
    private void endKilled() {
        Path data = directory.data();
        Os.serverProcessesIn(data).forEach(child -> Os.signal(child, "KILL"));
        PolledCondition.await("the processes left by the killed postmaster of '" + name + "' to exit", readyTimeout,
                () -> Os.serverProcessesIn(data).isEmpty());
        try {
            Files.deleteIfExists(data.resolve("postmaster.pid"));
            if (Files.isDirectory(directory.socket())) {
                try (var socketFiles = Files.newDirectoryStream(directory.socket(), ".s.PGSQL.*.lock")) {
                    for (Path lock : socketFiles) {
                        Files.deleteIfExists(lock);
                    }
                }
            }
        } catch (IOException e) {
            throw new PgTestkitException("cannot remove the killed postmaster's lock files of '" + name + "': " + e, e);
        }
        running = false;
        pid = -1;
    }

    /**
     * Promotes a standby and waits until it accepts writes; it no longer streams from a primary.
     *
     * @throws PgTestkitException when promotion fails
     */
    void promote() {
        Os.Result r = pgCtl.promote();
        if (!r.ok()) {
            throw new PgTestkitException("cannot promote '" + name + "': " + r.output().trim() + "\n" + log.tail(20));
        }
        PolledCondition.await("'" + name + "' to leave recovery", readyTimeout, () -> !sql.inRecovery());
        config.stopStreaming();
        config.write();
    }

    /**
     * Rewrites the configuration files, calls {@code pg_reload_conf()} and waits until new sessions see the new
     * configuration (its generation number), so hba and TLS changes are in force.
     */
    void reload() {
        long expected = config.write();
        sql.joined(PgServer.DEFAULT_DATABASE, "SELECT pg_reload_conf()");
        try {
            PolledCondition.await("configuration reload of '" + name + "'", readyTimeout, () -> String.valueOf(expected)
                    .equals(sql.value(PgServer.DEFAULT_DATABASE, "SHOW pgconn_testkit.generation")));
        } catch (PgTestkitException e) {
            throw new PgTestkitException(e.getMessage() + "; configuration errors: "
                    + sql.rows(PgServer.DEFAULT_DATABASE, "SELECT sourcefile || ':' || sourceline || ' ' || name || ': ' "
                    + "|| error FROM pg_file_settings WHERE error IS NOT NULL"), e);
        }
    }

    /**
     * For the shutdown hook (under the server's lock): an immediate stop with short deadlines; a stop after it (an
     * application closing its own server beside the hook) is then a no-op.
     */
    void stopForShutdown() {
        pgCtl.stopForShutdown(pid);
        running = false;
        pid = -1;
    }
}
