package io.pgconn.lifecycle;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.connect.ConnectResources;
import io.pgconn.internal.connect.HostConnector;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.transport.SocketPeer;
import io.pgconn.trace.PgTracer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

    /**
     * libpq's requirepeer on each transport: the user the kernel reports for the connected socket's peer
     * (SO_PEERCRED) must be the one named, else the connect stops with libpq's message naming the socket;
     * TCP ignores it. The expected user is the one the operating system says the postmaster runs as.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void requirepeerNamesTheUserTheServerMustRunAs(Transport transport) {
        assumeTrue(transport.isAvailable() || "true".equals(System.getenv("CI")), transport + " is not available on this machine");
        String serverUser = ProcessHandle.of(PG.primary().pid()).orElseThrow().info().user().orElseThrow();
        String unix = "host=" + PG.primary().socketDirectory() + " port=" + PG.primary().port() + " dbname=postgres user=scram_u password="
                + LifecycleCluster.PASSWORD + " extensionTypes='' requirepeer=";
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).transport(transport).threads(1).build()) {
            await(await(factory.connect(ConnConfig.parse(unix + serverUser, EnvironmentSource.of(Map.of())))).close());
            assertThat(failure(factory.connect(ConnConfig.parse(unix + "not-" + serverUser, EnvironmentSource.of(Map.of())))))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessage("connection to server on socket \"" + PG.primary().socketFile() + "\" failed: requirepeer specifies \"not-"
                            + serverUser + "\", but actual peer user name is \"" + serverUser + "\"");
            await(await(factory.connect(Connect.config(PG.primary(), "scram_u", LifecycleCluster.PASSWORD,
                    "extensionTypes='' sslmode=disable requirepeer=not-" + serverUser))).close());
            assertThat(factory.openConnections()).isZero();
        }
    }

    /**
     * The check asks the connected socket, not the socket file: with a stand-in for the kernel that names a
     * user who owns no file here, that user is accepted and the socket file's owner refused. (Before, the
     * owner of the file was read before dialling, which anybody who may write the directory chooses.)
     */
    @Test
    void requirepeerAsksTheConnectedSocketNotTheSocketFilesOwner() throws Exception {
        String fileOwner = Files.getOwner(PG.primary().socketFile()).getName();
        String kernelSays = "peer-" + fileOwner;
        List<Channel> asked = new CopyOnWriteArrayList<>();
        SocketPeer standIn = channel -> {
            asked.add(channel);
            return kernelSays;
        };
        EventLoopGroup group = Transport.NIO.newEventLoopGroup(1);
        ConnectResources resources = new ConnectResources(group, Transport.NIO, PgTracer.noop(), new SslContextFactory(),
                CodecRegistry.defaults(), standIn);
        try {
            HostConnector connector = new HostConnector(resources);
            ConnectionControl connection = await(connectOverTheSocket(connector, group, kernelSays));
            assertThat(asked).hasSize(1);
            assertThat(asked.get(0).remoteAddress()).isEqualTo(TransportChannels.domainSocketAddress(Transport.NIO,
                    PG.primary().socketFile().toString()));
            await(connection.close());

            assertThat(failure(connectOverTheSocket(connector, group, fileOwner)))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessageEndingWith("requirepeer specifies \"" + fileOwner + "\", but actual peer user name is \"" + kernelSays + "\"");
            assertThat(asked).hasSize(2);
            // closed on the event loop, which may finish after the connect's future failed: waited for
            assertThat(asked.get(1).closeFuture().await(5, TimeUnit.SECONDS)).as("the refused socket is closed").isTrue();
        } finally {
            resources.close();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * REVIEW-9 F6: naming the peer's user is libpq's getpwuid — NSS, which may read files or ask LDAP or sssd for
     * seconds — and ran on the event loop that other connections share. It runs on the factory's look-up pool.
     */
    @Test
    void requirepeerIsAskedOffTheEventLoop() throws Exception {
        List<Thread> askedOn = new CopyOnWriteArrayList<>();
        List<Boolean> onTheChannelsLoop = new CopyOnWriteArrayList<>();
        SocketPeer standIn = channel -> {
            askedOn.add(Thread.currentThread());
            onTheChannelsLoop.add(channel.eventLoop().inEventLoop());
            return "the-server";
        };
        EventLoopGroup group = Transport.NIO.newEventLoopGroup(1);
        ConnectResources resources = new ConnectResources(group, Transport.NIO, PgTracer.noop(), new SslContextFactory(),
                CodecRegistry.defaults(), standIn);
        try {
            HostConnector connector = new HostConnector(resources);
            await(await(connectOverTheSocket(connector, group, "the-server")).close());
            assertThat(onTheChannelsLoop).containsExactly(false);
            assertThat(askedOn.get(0).getName()).startsWith("pgconn-dns");
        } finally {
            resources.close();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<ConnectionControl> connectOverTheSocket(HostConnector connector, EventLoopGroup group, String requirePeer) {
        ConnConfig config = ConnConfig.parse("host=" + PG.primary().socketDirectory() + " port=" + PG.primary().port()
                + " dbname=postgres user=scram_u password=" + LifecycleCluster.PASSWORD + " extensionTypes='' requirepeer=" + requirePeer,
                EnvironmentSource.of(Map.of()));
        HostSpec host = config.hosts().get(0);
        return connector.connect(config, host, TransportChannels.domainSocketAddress(Transport.NIO, host.socketPath()),
                Duration.ofSeconds(10), new AttemptScope(group.next()));
    }
}
