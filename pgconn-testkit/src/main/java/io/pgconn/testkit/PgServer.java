package io.pgconn.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * One real PostgreSQL server: its own data directory, loopback port and Unix socket directory, run as the
 * unprivileged account when the JVM is root. Part of a {@link PgCluster}, or alone via {@link #builder()}.
 *
 * <p>Connection facts: {@link #host()} / {@link #address()} / {@link #port()}, {@link #socketDirectory()},
 * superuser {@link #superuser()} (trust on the Unix socket and on loopback), users' passwords via
 * {@link #password(String)}. Setup SQL as superuser: {@link #execute(String)}.
 *
 * <p>Lifecycle: {@link #start()}, {@link #stop(StopMode)}, {@link #restart()}, {@link #promote()};
 * {@link #close()} stops it (immediate) and deletes its directory. Readiness is always a polled condition
 * ({@code pg_ctl -w}, or a query), never a fixed sleep.
 *
 * <p>Its parts: {@link ServerDirectory} (the files), {@link Postmaster} (the process: start, stop, promote,
 * reload), {@link ServerConfigFiles} (the configuration it is started and reloaded with: port, certificate,
 * primary, runtime parameters, logins rejected), {@link ServerReconfiguration} (that configuration changed under the
 * server: files rewritten, reloaded when it runs), {@link SuperuserSql} (SQL as superuser over the socket,
 * {@link #sql()}).
 */
public final class PgServer implements AutoCloseable {

    /** The superuser the testkit creates and uses. */
    public static final String SUPERUSER = "postgres";
    /** The database every server has, where {@link #execute(String)} and its kin run. */
    public static final String DEFAULT_DATABASE = "postgres";
    /** The role standbys stream as (trust on loopback, replication only). */
    public static final String REPLICATION_USER = "replicator";

    private final ClusterSpec spec;
    private final PgBinaries binaries;
    private final PgTls tls;
    private final String name;
    private final ServerDirectory directory;
    private final Runnable afterClose;
    private final ServerConfigFiles configFiles;
    private final SuperuserSql sql;
    private final Postmaster postmaster;
    private final ServerReconfiguration reconfiguration;

    private volatile boolean closed;
    private volatile String version;

    private PgServer(ClusterSpec spec, PgBinaries binaries, PgTls tls, String name, Path directory,
                     Runnable afterClose) {
        this.spec = spec;
        this.binaries = binaries;
        this.tls = tls;
        this.name = name;
        this.directory = new ServerDirectory(directory);
        this.afterClose = afterClose;
        this.configFiles = new ServerConfigFiles(spec, tls, this.directory.data(), this.directory.socket(),
                this.directory.tls());
        this.sql = new SuperuserSql(this.directory.socket(), configFiles::port, this::requireRunning);
        this.postmaster = new Postmaster(name, binaries, this.directory, configFiles, sql, spec.startTimeout());
        this.reconfiguration = new ServerReconfiguration(name, tls, configFiles, postmaster, this::requireRunning);
    }

    /**
     * A builder for a single server (a cluster without standbys); {@link PgServer#close()} then removes all.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts a single server. */
    public static final class Builder extends AbstractPgClusterBuilder<Builder> {
        Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Creates the server, starts it, creates its users and runs the init SQL.
         *
         * @return the running server; close it to stop it and delete its files
         */
        public PgServer start() {
            return PgCluster.start(spec(), true).primary();
        }
    }

    // ---------------------------------------------------------------- creation (package-private)

    /** A new server whose data directory is a copy of the version's initdb template. */
    static PgServer fromTemplate(ClusterSpec spec, PgBinaries binaries, PgTls tls, String name, Path directory,
                                 Runnable afterClose) {
        PgServer s = new PgServer(spec, binaries, tls, name, directory, afterClose);
        s.prepareDirectories(binaries.templateDataDirectory());
        return s;
    }

    /** A new standby of a cleanly stopped {@code primary}: copy of its data, standby.signal, primary_conninfo. */
    static PgServer standbyOf(PgServer primary, String name, Path directory) {
        if (primary.isRunning()) {
            throw new IllegalStateException("the primary must be stopped cleanly before its data is copied");
        }
        PgServer s = new PgServer(primary.spec, primary.binaries, primary.tls, name, directory, null);
        s.prepareDirectories(primary.dataDirectory());
        s.directory.markAsStandby();
        s.configFiles.streamFrom(primary, name);
        return s;
    }

    private void prepareDirectories(Path sourceData) {
        directory.populate(sourceData, tls);
        configFiles.includeFromPostgresqlConf();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the server and waits until it accepts connections (read-only ones for a standby).
     * A no-op when it runs already; after its postmaster was killed from outside, the processes it left are ended
     * first.
     *
     * @return this server
     * @throws PgTestkitException when it does not start; the message holds the end of the server log
     */
    public synchronized PgServer start() {
        checkNotClosed();
        if (postmaster.isRunning()) {
            return this;
        }
        postmaster.start();
        Workspace.register(this);
        if (version == null) {
            version = sql.serverVersion();
        }
        return this;
    }

    /** Stops the server cleanly ({@link StopMode#FAST}). */
    public void stop() {
        stop(StopMode.FAST);
    }

    /**
     * Stops the server and waits until the postmaster is gone. A no-op when it is not running; after its postmaster
     * was killed from outside, it ends the processes that postmaster left.
     *
     * @param mode FAST (clean) or IMMEDIATE (like a crash)
     */
    public synchronized void stop(StopMode mode) {
        if (!postmaster.started()) {
            return;
        }
        postmaster.stop(mode);
        Workspace.unregister(this);
    }

    /** Stops (fast) and starts again, on the same port. */
    public synchronized void restart() {
        stop(StopMode.FAST);
        start();
    }

    /**
     * Promotes a standby to primary and waits until it accepts writes ({@code pg_is_in_recovery()} false).
     *
     * @throws PgTestkitException when it is not a running standby, or promotion fails
     */
    public synchronized void promote() {
        requireRunning();
        postmaster.promote();
    }

    /**
     * Makes this standby stream from another primary (e.g. after a failover): rewrites
     * {@code primary_conninfo} and reloads; the standby follows the new timeline.
     *
     * @param newPrimary the server to stream from
     */
    public synchronized void follow(PgServer newPrimary) {
        reconfiguration.follow(newPrimary);
    }

    /**
     * Sets a {@code postgresql.conf} parameter at runtime; reloads when running (only reloadable parameters
     * take effect before a restart).
     *
     * @param key   the parameter
     * @param value its value
     */
    public synchronized void setConfig(String key, String value) {
        reconfiguration.set(key, value);
    }

    /**
     * Switches the certificate the server presents and waits until new connections get it.
     *
     * @param which the certificate
     * @throws IllegalStateException when TLS is off
     */
    public synchronized void useServerCertificate(ServerCertificate which) {
        reconfiguration.useCertificate(which);
    }

    /**
     * Makes {@code pg_hba.conf} reject every TCP login of {@code user} ({@code reject} true: a rule ahead of all others;
     * false: that rule gone) and reloads the configuration when the server runs: sessions open stay, new logins fail
     * with SQLSTATE 28000 ("pg_hba.conf rejects connection") — a rule an operator changed under a running application.
     */
    public synchronized void rejectLogins(String user, boolean reject) {
        reconfiguration.rejectLogins(user, reject);
    }

    /**
     * Rewrites the configuration files, calls {@code pg_reload_conf()} and waits until new sessions see the
     * new configuration (a generation counter in the config file), so hba and TLS changes are in force.
     */
    public synchronized void reload() {
        reconfiguration.reload();
    }

    /** Stops the server (immediate) and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop(StopMode.IMMEDIATE);
        } finally {
            closed = true;
            directory.delete();
            if (afterClose != null) {
                afterClose.run();
            }
        }
    }

    /** Used by the shutdown hook: no lock (a test thread may hold it), immediate stop, delete. */
    synchronized void killForShutdown() {
        postmaster.stopForShutdown();
        directory.delete();
    }

    // ---------------------------------------------------------------- SQL as superuser (SuperuserSql)

    /** @return SQL as superuser on this server, over its Unix socket (what {@link #execute(String)} and its kin call) */
    public SuperuserSql sql() {
        return sql;
    }

    /** {@link SuperuserSql#execute(String)} on this server. */
    public List<String> execute(String sql) {
        return this.sql.execute(sql);
    }

    /** {@link SuperuserSql#execute(String, String)} on this server. */
    public List<String> execute(String database, String sql) {
        return this.sql.execute(database, sql);
    }

    /** {@link SuperuserSql#query(String)} on this server. */
    public List<List<String>> query(String sql) {
        return this.sql.query(sql);
    }

    /** {@link SuperuserSql#query(String, String)} on this server. */
    public List<List<String>> query(String database, String sql) {
        return this.sql.query(database, sql);
    }

    /** {@link SuperuserSql#queryValue(String)} on this server. */
    public String queryValue(String sql) {
        return this.sql.queryValue(sql);
    }

    /** {@link SuperuserSql#queryValue(String, String)} on this server. */
    public String queryValue(String database, String sql) {
        return this.sql.queryValue(database, sql);
    }

    /** {@link SuperuserSql#isInRecovery()} on this server. */
    public boolean isInRecovery() {
        return sql.isInRecovery();
    }

    // ---------------------------------------------------------------- accessors

    /** @return "localhost" (the host name the server certificate is valid for) */
    public String host() {
        return "localhost";
    }

    /** @return "127.0.0.1" */
    public String address() {
        return "127.0.0.1";
    }

    /** @return the TCP port (also the Unix socket's number) */
    public int port() {
        return configFiles.port();
    }

    /** @return the directory of the Unix socket {@code .s.PGSQL.<port>} */
    public Path socketDirectory() {
        return directory.socket();
    }

    /** @return the Unix socket file itself */
    public Path socketFile() {
        return directory.socket().resolve(".s.PGSQL." + port());
    }

    /** @return the full {@code server_version} the server reported, e.g. "18.0" */
    public String version() {
        if (version == null) {
            throw new IllegalStateException("'" + name + "' has not been started yet");
        }
        return version;
    }

    /** @return the major version, e.g. 18 */
    public int majorVersion() {
        return binaries.majorVersion();
    }

    /** @return the superuser name, "postgres" (no password; trust on socket and loopback) */
    public String superuser() {
        return SUPERUSER;
    }

    /** @return the database every server has: "postgres" */
    public String database() {
        return DEFAULT_DATABASE;
    }

    /**
     * @param user a declared user
     * @return its password, or {@code null} if it has none
     * @throws IllegalArgumentException for a user that was not declared
     */
    public String password(String user) {
        return spec.user(user).password();
    }

    /** @return the declared users */
    public List<PgUser> users() {
        return spec.users();
    }

    /** @return a pgjdbc-style URL for tests that use JDBC: {@code jdbc:postgresql://localhost:<port>/postgres} */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/postgres";
    }

    /** @return the TLS material, or {@code null} when TLS is off */
    public PgTls tls() {
        return tls;
    }

    /** @return the certificate the server presents now */
    public ServerCertificate serverCertificate() {
        return configFiles.certificate();
    }

    /** @return this server's directory (data, socket, tls, log), deleted by {@link #close()} */
    public Path directory() {
        return directory.root();
    }

    /** @return the data directory */
    public Path dataDirectory() {
        return directory.data();
    }

    /** @return the server log file */
    public Path logFile() {
        return directory.logFile();
    }

    /** @return the postmaster's pid, or -1 when not running */
    public long pid() {
        return postmaster.pid();
    }

    /**
     * @return whether the server runs: started, not stopped since, and its postmaster alive — a postmaster killed from
     *         outside ({@code kill -9}) is not running, and {@link #start()} starts the server again
     */
    public boolean isRunning() {
        return postmaster.isRunning();
    }

    /** @return the binaries this server runs */
    public PgBinaries binaries() {
        return binaries;
    }

    /** @return the name within its cluster: "primary", "standby1", ... */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "PgServer[" + name + ", PostgreSQL " + binaries.version() + ", port " + port()
                + (isRunning() ? ", pid " + pid() : ", stopped") + ", " + directory.root() + "]";
    }

    // ---------------------------------------------------------------- helpers

    private void requireRunning() {
        checkNotClosed();
        if (!postmaster.isRunning()) {
            throw new IllegalStateException("'" + name + "' is not running");
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("'" + name + "' is closed");
        }
    }
}
