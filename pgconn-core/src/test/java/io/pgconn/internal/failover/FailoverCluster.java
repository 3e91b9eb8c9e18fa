package io.pgconn.internal.failover;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.Connect;
import io.pgconn.testing.JvmResources;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A primary with hot standbys, one SCRAM user, and DSNs over a list of ports. */
final class FailoverCluster {

    static final String USER = "app";
    static final String PASSWORD = "app-Pa55";

    private FailoverCluster() {
    }

    static PgClusterExtension withStandbys(String name, int standbys) {
        return builder(name, standbys).build();
    }

    /** The cluster of {@link #withStandbys}, for tests that configure more. */
    static PgClusterExtension.Builder builder(String name, int standbys) {
        return PgClusterExtension.builder()
                .name(name)
                .standbys(standbys)
                .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256));
    }

    /** {@code host=127.0.0.1,... port=p1,...} plus extra keywords; discovery off, TLS off. */
    static ConnConfig config(String extra, int... ports) {
        String hosts = IntStream.of(ports).mapToObj(p -> "127.0.0.1").collect(Collectors.joining(","));
        String portList = IntStream.of(ports).mapToObj(String::valueOf).collect(Collectors.joining(","));
        return ConnConfig.parse("host=" + hosts + " port=" + portList + " dbname=postgres user=" + USER + " password=" + PASSWORD
                + " sslmode=disable extensionTypes='' " + extra, EnvironmentSource.of(Map.of()));
    }

    /**
     * Waits until the running servers of {@code cluster} have no backend of {@link #USER} left and
     * this JVM holds no more file descriptors than {@code fdsBefore} (+2 for the JDK's own churn).
     */
    static void awaitBaseline(PgCluster cluster, long fdsBefore) {
        Conditions.awaitAtMost("open file descriptors", JvmResources::openFileDescriptors, fdsBefore + 2, Connect.LIMIT);
        for (PgServer server : cluster.servers()) {
            if (server.isRunning()) {
                Backends.awaitNoneOf(server, USER);
            }
        }
    }

    /** A loopback port nothing listens on. */
    static int refusedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
