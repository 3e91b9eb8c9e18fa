package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;

/** Testkit primary with hot standbys and one SCRAM user, as an application would connect. */
public final class StarterCluster {

    public static final String USER = "app";

    public static final String PASSWORD = "app-Pa55";

    private StarterCluster() {
    }

    public static PgClusterExtension withStandbys(String name, int standbys) {
        return PgClusterExtension.builder()
                .name(name)
                .standbys(standbys)
                .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .build();
    }

    /** {@code host:port} as core labels a loopback server. */
    public static String label(PgServer server) {
        return "127.0.0.1:" + server.port();
    }
}
