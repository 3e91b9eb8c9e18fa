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
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers of one benchmark run, both PostgreSQL 18 with the same settings (TLS with the testkit CA,
 * a trust user, a SCRAM user, the benchmark's tables, room for the heap scenario's idle connections):
 * <ul>
 *   <li>a primary with one hot standby streaming from it — for the connect scenarios (failover needs the
 *       standby; see {@link Scenario#topology()});</li>
 *   <li>a primary without a standby — for the query scenarios. On this 2-core machine the standby's WAL
 *       receive and replay take about 0.85 of a core while inserts run (results/2026-12-04-session6-pipe.md
 *       §2.1), which on a real cluster would be another machine's; a query benchmark on the same cores
 *       measures that, not the clients.</li>
 * </ul>
 */
final class BenchServers implements AutoCloseable {

    static final String TRUST_USER = "bench_trust";
    static final String SCRAM_USER = "bench_scram";
    // a benchmark-only secret of a throwaway server
    private static final String SCRAM_PASSWORD = "bench-s3cret";

    private final PgCluster cluster;
    private final PgCluster queryServer;
    private final Endpoints endpoints;

    BenchServers(int maxConnections) {
        this.cluster = start("bench", 1, maxConnections);
        try {
            this.queryServer = start("bench-query", 0, maxConnections);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        PgServer primary = cluster.primary();
        QueryWork.createTables(primary);
        QueryWork.createTables(queryServer.primary());
        this.endpoints = new Endpoints("127.0.0.1", primary.port(), cluster.standby(0).port(), unusedPort(), primary.database(),
                TRUST_USER, SCRAM_USER, SCRAM_PASSWORD, cluster.tls().caCertificate().toString(), queryServer.primary().port());
    }

    /** One cluster; both are built here so that their settings cannot drift apart (only the standby count differs). */
    private static PgCluster start(String name, int standbys, int maxConnections) {
        return PgCluster.builder()
                .name(name)
                .majorVersion(18)
                .tls()
                .config("max_connections", Integer.toString(maxConnections))
                .user(PgUser.named(TRUST_USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .user(PgUser.scram(SCRAM_USER, SCRAM_PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .standbys(standbys)
                .start();
    }

    Endpoints endpoints() {
        return endpoints;
    }

    PgServer primary() {
        return cluster.primary();
    }

    /** Every server of the run: the primary, its standby and the query server. */
    List<PgServer> servers() {
        List<PgServer> all = new ArrayList<>(cluster.servers());
        all.addAll(queryServer.servers());
        return all;
    }

    /** The query server's postmaster and every process under it (backends included): their pids. */
    List<Long> queryServerProcesses() throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(queryServer.primary().dataDirectory().resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(postmaster).map(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants())
                .map(ProcessHandle::pid).toList()).orElse(List.of());
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
        try {
            queryServer.close();
        } finally {
            cluster.close();
        }
    }
}
