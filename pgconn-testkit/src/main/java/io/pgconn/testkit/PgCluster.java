package io.pgconn.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary and N hot standbys streaming from it, sharing one TLS setup and one set of users.
 *
 * <pre>{@code
 * try (PgCluster pg = PgCluster.builder()
 *         .tls()
 *         .user(PgUser.scram("alice", "s3cret").allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
 *         .standbys(1)
 *         .start()) {
 *     pg.primary().execute("CREATE TABLE t(i int)");
 *     int standbyPort = pg.standby(0).port();
 * }
 * }</pre>
 *
 * Standbys are made by copying the cleanly stopped primary's data directory (the binaries have no
 * pg_basebackup), adding {@code standby.signal} and {@code primary_conninfo}.
 */
public final class PgCluster implements AutoCloseable {

    private final ClusterSpec spec;
    private final Path directory;
    private final List<PgServer> servers = new ArrayList<>();
    private PgTls tls;
    private volatile boolean closed;

    private PgCluster(ClusterSpec spec, Path directory) {
        this.spec = spec;
        this.directory = directory;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts a cluster. */
    public static final class Builder extends AbstractPgClusterBuilder<Builder> {
        Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param count how many hot standbys to start next to the primary (default 0)
         * @return this builder
         */
        public Builder standbys(int count) {
            standbyCount(count);
            return this;
        }

        /**
         * Starts the primary, creates users, runs the init SQL, then makes and starts the standbys.
         *
         * @return the running cluster; close it to stop everything and delete its files
         */
        public PgCluster start() {
            return PgCluster.start(spec(), false);
        }
    }

    static PgCluster start(ClusterSpec spec, boolean serverOwnsCluster) {
        PgBinaries binaries = PgBinaries.forMajor(spec.majorVersion());
        Path dir = Workspace.newDirectory(spec.name());
        PgCluster cluster = new PgCluster(spec, dir);
        try {
            cluster.tls = spec.tls() ? PgTls.generate(dir.resolve("tls")) : null;
            PgServer primary = PgServer.fromTemplate(spec, binaries, cluster.tls, "primary", dir.resolve("primary"),
                    serverOwnsCluster ? cluster::close : null);
            cluster.servers.add(primary);
            primary.start();
            createUsersAndRunInitSql(primary, spec);
            if (spec.standbys() > 0) {
                primary.stop(StopMode.FAST);
                for (int i = 1; i <= spec.standbys(); i++) {
                    cluster.servers.add(PgServer.standbyOf(primary, "standby" + i, dir.resolve("standby" + i)));
                }
                for (PgServer s : cluster.servers) {
                    s.start();
                }
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Creates the replication role and the users, then runs the init SQL: on the primary, once. */
    private static void createUsersAndRunInitSql(PgServer primary, ClusterSpec spec) {
        StringBuilder roles = new StringBuilder("CREATE ROLE " + PgServer.REPLICATION_USER + " LOGIN REPLICATION;");
        for (PgUser u : spec.users()) {
            roles.append(u.createSql());
        }
        primary.execute(roles.toString());
        for (String sql : spec.initSql()) {
            primary.execute(sql);
        }
    }

    /** @return the server started as primary (after a failover it may be stopped, or a standby's primary) */
    public PgServer primary() {
        return servers.get(0);
    }

    /**
     * @param index 0-based
     * @return that standby (it stays in this list after a promotion)
     */
    public PgServer standby(int index) {
        return standbys().get(index);
    }

    /** @return the standbys, in creation order */
    public List<PgServer> standbys() {
        return List.copyOf(servers.subList(1, servers.size()));
    }

    /** @return primary then standbys */
    public List<PgServer> servers() {
        return List.copyOf(servers);
    }

    /** @return the TLS material, or {@code null} when TLS is off */
    public PgTls tls() {
        return tls;
    }

    /**
     * @param user a declared user
     * @return its password
     */
    public String password(String user) {
        return spec.user(user).password();
    }

    /** @return the declared users */
    public List<PgUser> users() {
        return spec.users();
    }

    /**
     * Switches the certificate every running server presents, waiting until it is in force.
     *
     * @param which the certificate
     */
    public void useServerCertificate(ServerCertificate which) {
        for (PgServer s : servers) {
            s.useServerCertificate(which);
        }
    }

    /** @return the cluster's directory (servers and TLS files), deleted by {@link #close()} */
    public Path directory() {
        return directory;
    }

    /** Stops every server (immediate) and deletes all files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (PgServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        Os.deleteTree(directory);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PgCluster" + servers;
    }
}
