package io.pgconn.bench;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgCluster;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The servers of one benchmark run: a PostgreSQL 18 primary with TLS (testkit CA), a trust user, a
 * SCRAM user, one hot standby, and room for the heap scenario's idle connections.
 */
final class BenchServers implements AutoCloseable {

    static final String TRUST_USER = "bench_trust";
    static final String SCRAM_USER = "bench_scram";
    // a benchmark-only secret of a throwaway server
    private static final String SCRAM_PASSWORD = "bench-s3cret";

    private final PgCluster cluster;
    private final Endpoints endpoints;

    BenchServers(int maxConnections) {
        this.cluster = PgCluster.builder()
                .name("bench")
                .majorVersion(18)
                .tls()
                .config("max_connections", Integer.toString(maxConnections))
                .user(PgUser.named(TRUST_USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .user(PgUser.scram(SCRAM_USER, SCRAM_PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .standbys(1)
                .start();
        PgServer primary = cluster.primary();
        QueryWork.createTables(primary);
        this.endpoints = new Endpoints("127.0.0.1", primary.port(), cluster.standby(0).port(), unusedPort(), primary.database(),
                TRUST_USER, SCRAM_USER, SCRAM_PASSWORD, cluster.tls().caCertificate().toString());
    }

    Endpoints endpoints() {
        return endpoints;
    }

    PgServer primary() {
        return cluster.primary();
    }

    /** A loopback port nobody listens on: bound once by the OS, then released. */
    private static int unusedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free loopback port", e);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
