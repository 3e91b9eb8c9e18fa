package io.pgconn.internal.connect;

import io.netty.channel.EventLoopGroup;
import io.pgconn.JvmDnsCache;
import io.pgconn.PgConnectException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.ServerRole;
import io.pgconn.Transport;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.internal.failover.HostStatusRegistry;
import io.pgconn.internal.failover.MultiHostConnector;
import io.pgconn.internal.failover.TypeOidCache;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.tls.SslContextFactory;
import io.pgconn.internal.transport.SocketPeer;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Conditions;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test docs/lifecycle.md §1.1.1 asked for before {@code hostResolver=netty-dns} was built: a name served by a
 * scripted DNS server on UDP loopback with a 1-s TTL, repointed by the test from a standby to the primary of a real
 * cluster (each behind its own loopback address, same port) as a switchover repoints a writer endpoint. With
 * {@code netty-dns} a read-write connect reaches the primary at the first look-up after the record expired — where the
 * system resolver's JVM cache keeps the old address for 30 s; with the default the system resolver answers, as before,
 * and the scripted server is never asked. The multi-host walk, {@code hostaddr} and the failover report read the same
 * with either resolver.
 */
@Timeout(120)
class NettyDnsFailoverIT {

    private static final String USER = "app";
    private static final String PASSWORD = "app-Pa55";
    private static final String NAME = "pg-rw.pgconn.test";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("netty-dns").standbys(1)
            .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256)).build();

    private static ScriptedDnsServer dns;
    private static LoopbackForwarder primary;
    private static LoopbackForwarder standby;
    private static EventLoopGroup group;
    private static ConnectResources resources;
    private static MultiHostConnector connector;

    @BeforeAll
    static void start() throws InterruptedException {
        dns = new ScriptedDnsServer();
        primary = LoopbackForwarder.start("127.0.0.2", 0, PG.primary().port(), LoopbackForwarder.Pump.AS_THEY_COME);
        standby = LoopbackForwarder.start("127.0.0.3", primary.port(), PG.standby(0).port(), LoopbackForwarder.Pump.AS_THEY_COME);
        group = Transport.NIO.newEventLoopGroup("netty-dns-it", 2);
        resources = new ConnectResources(group, Transport.NIO, PgTracer.noop(), new SslContextFactory(), CodecRegistry.defaults(),
                SocketPeer.of(Transport.NIO), List.of(dns.address()));
        connector = new MultiHostConnector(resources, new HostStatusRegistry(Clock.systemUTC()), new TypeOidCache(Clock.systemUTC()),
                new Random(7));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        resources.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        primary.close();
        standby.close();
        dns.close();
    }

    private static ConnConfig config(String hosts, String extra) {
        return ConnConfig.parse("host=" + hosts + " port=" + primary.port() + " dbname=postgres user=" + USER + " password=" + PASSWORD
                + " sslmode=disable extensionTypes='' hostRecheckInterval=0 " + extra, EnvironmentSource.of(Map.of()));
    }

    @Test
    void withNettyDnsAReadWriteConnectReachesTheNewPrimaryAtTheFirstLookUpAfterTheRecordExpired() throws Exception {
        ConnConfig readWrite = config(NAME, "target_session_attrs=read-write hostResolver=netty-dns");
        dns.answer(NAME, "127.0.0.3", 1); // before the switchover the name is the standby's address
        Throwable before = failure(connector.connect(readWrite));
        assertThat(before).isInstanceOf(PgRoleMismatchException.class)
                .hasMessage("server " + NAME + ":" + primary.port() + " (127.0.0.3) is standby, not acceptable for"
                        + " target_session_attrs=read-write\nHINT: " + new JvmDnsCache.LookedUp(NAME, "127.0.0.3").nettyDnsWrongRoleHint());

        dns.answer(NAME, "127.0.0.2", 1); // the switchover repoints the name
        long askedBefore = dns.askedForA(NAME);
        AtomicReference<ConnectionControl> reached = new AtomicReference<>();
        Conditions.awaitCondition("a read-write connect reaches the primary through the repointed name", Duration.ofSeconds(15), () -> {
            ConnectionControl connection = connectedOrNull(connector.connect(readWrite));
            reached.set(connection);
            return connection != null;
        });
        ConnectionControl connection = reached.get();
        try {
            assertThat(connection.role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(connection.remoteAddress()).isEqualTo(new InetSocketAddress("127.0.0.2", primary.port()));
            assertThat(await(connection.simpleQuery("SELECT pg_is_in_recovery()")).singleValue()).isEqualTo("f");
        } finally {
            await(connection.close());
        }
        assertThat(dns.askedForA(NAME)).as("the connects before the record expired used the cache; then one look-up")
                .isEqualTo(askedBefore + 1);
        Backends.awaitNoneOf(PG.primary(), USER);
        Backends.awaitNoneOf(PG.standby(0), USER);
    }

    /** A connect's session, closed by the caller, or null when it was refused for its role (the old address). */
    private static ConnectionControl connectedOrNull(CompletableFuture<ConnectionControl> connect) {
        try {
            return connect.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PgRoleMismatchException.class).hasMessageContaining("(127.0.0.3) is standby");
            return null;
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDefaultResolverIsTheSystemsAsBeforeAndNeverAsksTheDnsServersItself() {
        dns.answer(NAME, "127.0.0.2", 1);
        long asked = dns.asked().size();
        Throwable failure = failure(connector.connect(config(NAME, "target_session_attrs=read-write")));
        // ".test" is reserved (RFC 2606): the system resolver knows no such name; the scripted server would have answered
        assertThat(failure).isInstanceOf(PgConnectException.class)
                .hasMessageStartingWith("could not translate host name \"" + NAME + "\" to an address: ")
                .hasMessageNotContaining("netty-dns");
        assertThat(dns.asked()).hasSize((int) asked);
    }

    @ParameterizedTest(name = "hostResolver={0}")
    @ValueSource(strings = {"system", "netty-dns"})
    void theWalkHostaddrAndTheFailoverReportReadTheSameWithEitherResolver(String resolver) {
        long asked = dns.asked().size();
        // a name no resolver knows, then localhost (/etc/hosts for both): the walk moves on after the failed look-up
        ConnConfig walk = ConnConfig.parse("host=nowhere.pgconn.test,localhost port=" + PG.primary().port() + "," + PG.primary().port()
                + " dbname=postgres user=" + USER + " password=" + PASSWORD + " sslmode=disable extensionTypes='' hostRecheckInterval=0"
                + " target_session_attrs=read-write hostResolver=" + resolver, EnvironmentSource.of(Map.of()));
        ConnectionControl connection = await(connector.connect(walk));
        try {
            assertThat(connection.hostSpec().label()).isEqualTo("localhost:" + PG.primary().port());
            assertThat(connection.role()).isEqualTo(ServerRole.PRIMARY);
        } finally {
            await(connection.close());
        }

        // hostaddr is dialled as given: no look-up of the name by either resolver
        ConnConfig byAddress = ConnConfig.parse("host=" + NAME + " hostaddr=127.0.0.1 port=" + PG.standby(0).port() + " dbname=postgres"
                + " user=" + USER + " password=" + PASSWORD + " sslmode=disable extensionTypes='' hostRecheckInterval=0"
                + " hostResolver=" + resolver, EnvironmentSource.of(Map.of()));
        ConnectionControl viaHostaddr = await(connector.connect(byAddress));
        try {
            assertThat(viaHostaddr.role()).isEqualTo(ServerRole.STANDBY);
            assertThat(viaHostaddr.hostSpec().label()).isEqualTo(NAME + ":" + PG.standby(0).port());
        } finally {
            await(viaHostaddr.close());
        }

        // the failover report: every host, each with its reason, the look-up's in the "could not translate" words
        ConnConfig none = ConnConfig.parse("host=nowhere.pgconn.test,localhost port=" + PG.standby(0).port() + "," + PG.standby(0).port()
                + " dbname=postgres user=" + USER + " password=" + PASSWORD + " sslmode=disable extensionTypes='' hostRecheckInterval=0"
                + " target_session_attrs=read-write hostResolver=" + resolver, EnvironmentSource.of(Map.of()));
        Throwable failure = failure(connector.connect(none));
        assertThat(failure).isInstanceOf(PgConnectException.class)
                .hasMessageContaining("could not connect to any of 2 hosts")
                .hasMessageContaining("nowhere.pgconn.test:" + PG.standby(0).port() + ": could not translate host name"
                        + " \"nowhere.pgconn.test\" to an address")
                // localhost never goes to DNS (RFC 6761): no address and no DNS hint in its line (NEW-USER-30 F2)
                .hasMessageContaining("localhost:" + PG.standby(0).port() + ": server localhost:" + PG.standby(0).port()
                        + " is standby, not acceptable for target_session_attrs=read-write");
        assertThat(failure.getSuppressed()).hasSize(2);
        if (resolver.equals("system")) {
            assertThat(dns.asked()).as("the system resolver never asks the scripted server").hasSize((int) asked);
        } else {
            assertThat(dns.asked()).as("only the unknown name reached the DNS server; localhost came from /etc/hosts")
                    .allSatisfy(q -> assertThat(q).doesNotContain("localhost"));
        }
        Backends.awaitNoneOf(PG.primary(), USER);
        Backends.awaitNoneOf(PG.standby(0), USER);
    }
}
