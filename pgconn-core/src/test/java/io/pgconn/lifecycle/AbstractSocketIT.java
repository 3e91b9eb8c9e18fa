package io.pgconn.lifecycle;

import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.internal.transport.TransportChannels;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * libpq 14+ dials {@code host=@name} as the Unix socket {@code @name/.s.PGSQL.<port>} in Linux's abstract namespace,
 * where a server with {@code unix_socket_directories = '@name'} listens (LIBPQ-14 us01–us04: libpq 18 connected,
 * without TLS whatever the sslmode, as on any Unix socket; pgconn refused the host as a name holding {@code @}).
 */
class AbstractSocketIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("abstractsocket")
            .majorVersion(18)
            .user(PgUser.named("trust_u").allow(ConnectionType.LOCAL, AuthMethod.TRUST))
            .build();

    private static String abstractDirectory;

    @BeforeAll
    static void listenInTheAbstractNamespaceToo() {
        abstractDirectory = "@pgconn-it-" + PG.primary().port();
        PG.primary().setConfig("unix_socket_directories", PG.primary().socketDirectory() + "," + abstractDirectory);
        PG.primary().restart();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING"})
    void aHostStartingWithAnAtSignIsDialledAsAnAbstractSocket(Transport transport) {
        assumeTrue(transport.isAvailable() || "true".equals(System.getenv("CI")), transport + " is not available on this machine");
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(transport).threads(1).build()) {
            PgConnection connection = await(factory.connect(config("host=" + abstractDirectory + " sslmode=require")));
            assertThat(SessionAccess.channel(connection)).isInstanceOf(TransportChannels.domainSocketChannel(transport));
            assertThat(connection.tlsProtocol()).as("no TLS on a Unix socket, as libpq").isEmpty();
            assertThat(value(connection, "SELECT coalesce(inet_client_addr()::text, 'unix')")).isEqualTo("unix");
            assertThat(connection.hostSpec().label()).isEqualTo(abstractDirectory + "/.s.PGSQL." + PG.primary().port());
            await(connection.close());
        }
    }

    /**
     * An abstract socket nobody listens on is refused, and the walk goes on (libpq: us02, us19); the message names it
     * as libpq spells it, never with the NUL byte the kernel's name starts with (it read "… ( /.s.PGSQL.p)").
     */
    @Test
    void aRefusedAbstractSocketIsNamedWithItsAtSignAndTheWalkGoesOn() {
        assumeTrue(Transport.EPOLL.isAvailable() || "true".equals(System.getenv("CI")), "epoll is not available on this machine");
        String nobody = "@pgconn-it-nobody-" + PG.primary().port();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(Transport.EPOLL).threads(1).build()) {
            assertThat(failure(factory.connect(config("host=" + nobody)))).isInstanceOf(PgConnectException.class)
                    .hasMessage("connection refused to " + nobody + "/.s.PGSQL." + PG.primary().port());
            PgConnection connection = await(factory.connect(config("host=" + nobody + "," + abstractDirectory)));
            assertThat(connection.hostSpec().host()).isEqualTo(abstractDirectory);
            await(connection.close());
        }
    }

    /** The URI spelling: {@code %40} is the {@code @} (libpq: us03). */
    @Test
    void aPercentEncodedAtSignInAUriNamesTheAbstractSocket() {
        assumeTrue(Transport.EPOLL.isAvailable() || "true".equals(System.getenv("CI")), "epoll is not available on this machine");
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(Transport.EPOLL).threads(1).build()) {
            PgConnection connection = await(factory.connect(ConnConfig.parse("postgresql://trust_u@%40" + abstractDirectory.substring(1) + ":"
                    + PG.primary().port() + "/postgres", EnvironmentSource.of(Map.of()))));
            assertThat(value(connection, "SELECT 'over ' || coalesce(inet_client_addr()::text, 'unix')")).isEqualTo("over unix");
            await(connection.close());
        }
    }

    /**
     * NIO cannot address the abstract namespace (the JDK's {@code UnixDomainSocketAddress} refuses the NUL byte): that
     * host fails saying so and which transports can, and the walk goes on to the next host, as libpq goes on past an
     * abstract socket nobody listens on (us02).
     */
    @Test
    void onNioTheAbstractSocketFailsNamingTheTransportsThatCanAndTheWalkGoesOn() {
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(Transport.NIO).threads(1).build()) {
            PgConnection connection = await(factory.connect(config("host=" + abstractDirectory + "," + PG.primary().socketDirectory())));
            assertThat(connection.hostSpec().host()).isEqualTo(PG.primary().socketDirectory().toString());
            await(connection.close());
            assertThat(failure(factory.connect(config("host=" + abstractDirectory)))).isInstanceOf(PgConnectException.class)
                    .hasMessageContaining("abstract Unix-domain socket \"" + abstractDirectory + "/.s.PGSQL." + PG.primary().port() + "\"")
                    .hasMessageContaining("NIO").hasMessageContaining("epoll");
        }
    }

    private static ConnConfig config(String hosts) {
        return ConnConfig.parse(hosts + " port=" + PG.primary().port() + " user=trust_u dbname=postgres extensionTypes=''",
                EnvironmentSource.of(Map.of()));
    }
}
