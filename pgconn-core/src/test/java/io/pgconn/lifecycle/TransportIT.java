package io.pgconn.lifecycle;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.QueryResult;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.Transport;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.internal.transport.TransportChannels;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The whole lifecycle on each Netty transport: TLS + SCRAM over TCP, cancel, a Unix socket, close. */
class TransportIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void connectsCancelsAndClosesOn(Transport transport) {
        // CI's machine has every transport; elsewhere a kernel may forbid io_uring
        assumeTrue(transport.isAvailable() || "true".equals(System.getenv("CI")), transport + " is not available on this machine");
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(transport).threads(1).build()) {
            PgConnection tcp = await(factory.connect(Connect.config(PG.primary(), "scram_u", LifecycleCluster.PASSWORD,
                    "extensionTypes='' sslmode=verify-full sslrootcert=" + PG.tls().caCertificate())));
            assertThat(SessionAccess.channel(tcp)).isInstanceOf(TransportChannels.socketChannel(transport));
            assertThat(tcp.tlsProtocol()).isPresent();
            CompletableFuture<QueryResult> sleeping = tcp.simpleQuery("SELECT pg_sleep(30)");
            Backends.awaitActive(PG.primary(), tcp.processId());
            await(tcp.cancel());
            assertThat(failure(sleeping)).hasMessageContaining("57014");
            assertThat(value(tcp, "SELECT 'after cancel'")).isEqualTo("after cancel");

            PgConnection unix = await(factory.connect(ConnConfig.parse("host=" + PG.primary().socketDirectory() + " port="
                    + PG.primary().port() + " dbname=postgres user=scram_u password=" + LifecycleCluster.PASSWORD + " extensionTypes=''",
                    EnvironmentSource.of(Map.of()))));
            assertThat(SessionAccess.channel(unix)).isInstanceOf(TransportChannels.domainSocketChannel(transport));
            assertThat(value(unix, "SELECT coalesce(inet_client_addr()::text, 'unix')")).isEqualTo("unix");

            await(tcp.close());
            await(unix.close());
            assertThat(factory.openConnections()).isZero();
        }
    }

    /** libpq's requirepeer: on a Unix socket the server must run as that user (the mismatch names the socket file's owner, what pgconn reads); TCP ignores it. */
    @org.junit.jupiter.api.Test
    void requirepeerNamesTheUserTheServerMustRunAs() throws Exception {
        String serverUser = java.nio.file.Files.getOwner(PG.primary().socketFile()).getName();
        String unix = "host=" + PG.primary().socketDirectory() + " port=" + PG.primary().port() + " dbname=postgres user=scram_u password="
                + LifecycleCluster.PASSWORD + " extensionTypes='' requirepeer=";
        try (PgConnectionFactory factory = PgConnectionFactory.create(ConnConfig.builder().build())) {
            await(await(factory.connect(ConnConfig.parse(unix + serverUser, EnvironmentSource.of(Map.of())))).close());
            assertThat(failure(factory.connect(ConnConfig.parse(unix + "not-" + serverUser, EnvironmentSource.of(Map.of())))))
                    .isInstanceOf(io.pgconn.PgAuthenticationException.class)
                    .hasMessageContaining("requirepeer specifies \"not-" + serverUser + "\", but the server's socket file ")
                    .hasMessageContaining(".s.PGSQL." + PG.primary().port() + " is owned by \"" + serverUser + "\"")
                    .hasMessageContaining("reads the socket file's owner");
            await(await(factory.connect(Connect.config(PG.primary(), "scram_u", LifecycleCluster.PASSWORD,
                    "extensionTypes='' sslmode=disable requirepeer=not-" + serverUser))).close());
        }
    }
}
