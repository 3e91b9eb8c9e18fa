package io.pgconn.sample.embedded;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import io.pgconn.testkit.StopMode;
import java.nio.file.Path;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL primary + hot standby on loopback, started through pgconn-testkit: TLS with
 * a freshly generated CA (servers present a certificate for {@code localhost}), one application user
 * that may only log in over TLS with SCRAM-SHA-256, its own database. Files live in a temporary
 * directory that {@link #close()} deletes.
 *
 * <p>One demo failover per run: the old primary stays down afterwards, because the bundled binaries
 * have no {@code pg_rewind} to turn it into a standby of the new primary.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

    private final PgCluster cluster;
    private final String user;
    private final String password;
    private final String database;
    private FailoverResult failover;
    private boolean closed;

    private EmbeddedCluster(PgCluster cluster, String user, String password, String database) {
        this.cluster = cluster;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /**
     * Starts the primary, creates the user and database, then the standby; waits until both accept connections.
     *
     * @param user     the application user to create (password generated for this run)
     * @param database the database to create, owned by {@code user}
     * @return the running cluster
     */
    public static EmbeddedCluster start(String user, String database) {
        requireIdentifier(user, "user");
        requireIdentifier(database, "database");
        if (user.equals(PgServer.SUPERUSER) || user.equals(PgServer.REPLICATION_USER)) {
            throw new IllegalArgumentException("embedded cluster user '" + user + "' is a role the cluster keeps for "
                    + "itself; set pg.conn.username to another name (e.g. app)");
        }
        String password = randomPassword();
        long started = System.nanoTime();
        PgCluster cluster = PgCluster.builder()
                .name("pgconn-sample")
                .tls()
                .user(PgUser.scram(user, password).allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
                .initSql("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"")
                .standbys(1)
                .start();
        EmbeddedCluster embedded = new EmbeddedCluster(cluster, user, password, database);
        log.info("Embedded PostgreSQL {} started in {} ms: primary {}, standby {} (TLS, SCRAM-SHA-256 for user '{}')",
                cluster.primary().version(), (System.nanoTime() - started) / 1_000_000,
                label(cluster.primary()), label(cluster.standby(0)), user);
        return embedded;
    }

    /** @return {@code host:port} of the primary, then the standby (the order they were started in) */
    public List<String> hosts() {
        return cluster.servers().stream().map(EmbeddedCluster::label).toList();
    }

    public String user() {
        return user;
    }

    /** @return the password generated for this run (never logged) */
    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    /** @return the CA certificate (PEM) that signed the servers' certificates, for {@code sslrootcert} */
    public Path caCertificate() {
        return cluster.tls().caCertificate();
    }

    /** @return whether the one demo failover of this run is still available */
    public synchronized boolean failoverAvailable() {
        return failover == null;
    }

    /** @return the failover that happened, or {@code null} */
    public synchronized FailoverResult lastFailover() {
        return failover;
    }

    /**
     * Stops the primary like a crash ({@code pg_ctl stop -m immediate}) and promotes the standby,
     * waiting until it accepts writes.
     *
     * @return which host went down and which took over
     * @throws FailoverUnavailableException when this run already failed over
     */
    public synchronized FailoverResult failover() {
        if (failover != null) {
            throw new FailoverUnavailableException(failover);
        }
        PgServer oldPrimary = cluster.primary();
        PgServer newPrimary = cluster.standby(0);
        long started = System.nanoTime();
        oldPrimary.stop(StopMode.IMMEDIATE);
        newPrimary.promote();
        failover = new FailoverResult(label(oldPrimary), label(newPrimary), Instant.now());
        log.info("Demo failover: stopped primary {}, promoted standby {} in {} ms", failover.stoppedPrimary(),
                failover.promotedStandby(), (System.nanoTime() - started) / 1_000_000);
        return failover;
    }

    /** Stops both servers and deletes their files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cluster.close();
        log.info("Embedded PostgreSQL stopped");
    }

    private static String label(PgServer server) {
        return server.host() + ":" + server.port();
    }

    private static void requireIdentifier(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("embedded cluster " + what + " '" + value
                    + "' is not a plain lower-case SQL identifier (expected [a-z_][a-z0-9_]*, at most 63 characters)");
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "EmbeddedCluster" + hosts();
    }
}
