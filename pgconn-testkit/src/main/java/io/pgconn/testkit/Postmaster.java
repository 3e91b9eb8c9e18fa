package io.pgconn.testkit;

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

    /** @return the postmaster's pid, or -1 when not running */
    long pid() {
        return pid;
    }

    boolean isRunning() {
        return running;
    }

    /**
     * Starts the server and waits until it accepts connections (read-only ones for a standby).
     *
     * @throws PgTestkitException when it does not start; the message holds the end of the server log
     */
    void start() {
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
        long postmaster = pid;
        Os.Result r = pgCtl.stop(mode);
        if (!Os.awaitExit(postmaster, r.ok() ? Duration.ofSeconds(30) : Duration.ZERO)) {
            pgCtl.killLeftover();
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
        sql.execute(PgServer.DEFAULT_DATABASE, "SELECT pg_reload_conf()");
        try {
            PolledCondition.await("configuration reload of '" + name + "'", readyTimeout, () -> String.valueOf(expected)
                    .equals(sql.queryValue(PgServer.DEFAULT_DATABASE, "SHOW pgconn_testkit.generation")));
        } catch (PgTestkitException e) {
            throw new PgTestkitException(e.getMessage() + "; configuration errors: "
                    + sql.query(PgServer.DEFAULT_DATABASE, "SELECT sourcefile || ':' || sourceline || ' ' || name || ': ' "
                    + "|| error FROM pg_file_settings WHERE error IS NOT NULL"), e);
        }
    }

    /** For the shutdown hook: no lock, an immediate stop with short deadlines. */
    void stopForShutdown() {
        pgCtl.stopForShutdown(pid);
    }
}
