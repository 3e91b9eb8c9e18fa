package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Testkit primary with hot standbys and one SCRAM user, as an application would connect. */
public final class StarterCluster {

    public static final String USER = "app";

    public static final String PASSWORD = "app-Pa55";

    private StarterCluster() {
    }

    public static PgClusterExtension withStandbys(String name, int standbys) {
        return builder(name).standbys(standbys).build();
    }

    /** A server named {@code name} with {@link #USER} (SCRAM over TCP), for the test to add its schema ({@code initSql}). */
    public static PgClusterExtension.Builder builder(String name) {
        return PgClusterExtension.builder()
                .name(name)
                .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256));
    }

    /** For a {@code @DynamicPropertySource}: {@code pg.conn.hosts} naming {@code pg}'s primary (looked up when the context starts). */
    public static void primaryOf(DynamicPropertyRegistry registry, PgClusterExtension pg) {
        registry.add("pg.conn.hosts", () -> label(pg.primary()));
    }

    /** One TLS-enabled server (testkit CA) whose user may log in only over TLS, with SCRAM. */
    public static PgClusterExtension tlsOnly(String name, String user, String password) {
        return PgClusterExtension.builder()
                .name(name)
                .tls()
                .user(PgUser.scram(user, password).allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
                .build();
    }

    /** A loopback port nothing listens on. */
    public static int refusedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * For a {@code @DynamicPropertySource}: {@code pg.conn.hosts} (the servers in this order, looked up
     * when the context starts) and the login of {@link #USER}.
     */
    public static void loginTo(DynamicPropertyRegistry registry, Supplier<List<PgServer>> hosts) {
        registry.add("pg.conn.hosts", () -> hosts.get().stream().map(StarterCluster::label).collect(Collectors.joining(",")));
        registry.add("pg.conn.username", () -> USER);
        registry.add("pg.conn.password", () -> PASSWORD);
    }

    /** {@code host:port} as core labels a loopback server. */
    public static String label(PgServer server) {
        return "127.0.0.1:" + server.port();
    }
}
