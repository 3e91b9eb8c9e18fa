package io.pgconn.internal.connect;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.Transport;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.HostSpec;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.JvmResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hostResolver=netty-dns} against a scripted DNS server on UDP loopback (docs/lifecycle.md §1.1.1): answers
 * kept for their record's TTL, a repointed name followed once its record expired, failures in the words of the
 * system resolver's, the look-up on the caller's own event loop, nothing left open after close, and the error when
 * {@code io.netty:netty-resolver-dns} is absent.
 */
@Timeout(60)
class NettyDnsLookupsTest {

    private static final String NAME = "pg-rw.pgconn.test";

    private ScriptedDnsServer dns;
    private EventLoopGroup group;

    @BeforeEach
    void start() throws InterruptedException {
        dns = new ScriptedDnsServer();
        group = Transport.NIO.newEventLoopGroup("dns-test", 2);
    }

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        dns.close();
    }

    private NettyDnsLookups lookups() {
        return new NettyDnsLookups(group, Transport.NIO, List.of(dns.address()));
    }

    private static List<String> texts(InetAddress[] found) {
        return Arrays.stream(found).map(InetAddress::getHostAddress).toList();
    }

    @Test
    void anAnswerIsKeptForItsRecordsTtlAndARepointedNameIsFollowedOnceItExpired() {
        NettyDnsLookups lookups = lookups();
        try {
            dns.answer(NAME, "127.0.0.2", 30);
            assertThat(texts(await(lookups.lookUp(HostSpec.of(NAME, 5432))))).containsExactly("127.0.0.2");
            assertThat(dns.askedForA(NAME)).isEqualTo(1);

            dns.answer(NAME, "127.0.0.3", 1); // the switchover: the server now says the new address
            assertThat(texts(await(lookups.lookUp(HostSpec.of(NAME, 5432))))).as("within the old record's 30 s: the cache")
                    .containsExactly("127.0.0.2");
            assertThat(dns.askedForA(NAME)).isEqualTo(1);
        } finally {
            lookups.close();
        }
        // a new group of the same server: its record of 1 s is followed once it expired, not after the JVM's 30 s
        NettyDnsLookups fresh = lookups();
        try {
            assertThat(texts(await(fresh.lookUp(HostSpec.of(NAME, 5432))))).containsExactly("127.0.0.3");
            long asked = dns.askedForA(NAME);
            dns.answer(NAME, "127.0.0.2", 1);
            Conditions.awaitCondition("the name's new address, once its record of 1 s expired", Duration.ofSeconds(10),
                    () -> texts(await(fresh.lookUp(HostSpec.of(NAME, 5432)))).equals(List.of("127.0.0.2")));
            assertThat(dns.askedForA(NAME)).as("asked again when the record expired").isGreaterThan(asked);
        } finally {
            fresh.close();
        }
    }

    @Test
    void aRecordWithTtlZeroIsAskedForAtEveryLookUpAsLibpqDoes() {
        NettyDnsLookups lookups = lookups();
        try {
            dns.answer(NAME, "127.0.0.2", 0);
            for (int i = 1; i <= 3; i++) {
                assertThat(texts(await(lookups.lookUp(HostSpec.of(NAME, 5432))))).containsExactly("127.0.0.2");
                assertThat(dns.askedForA(NAME)).isEqualTo(i);
            }
        } finally {
            lookups.close();
        }
    }

    @Test
    void aNameThatDoesNotExistIsSaidAsTheSystemResolverSaysItNamingTheResolverAndTheServer() {
        NettyDnsLookups lookups = lookups();
        try {
            Throwable failure = failure(lookups.lookUp(HostSpec.of("nowhere.pgconn.test", 5432)));
            assertThat(failure).isInstanceOf(PgConnectException.class).hasMessage("could not translate host name \"nowhere.pgconn.test\""
                    + " to an address with hostResolver=netty-dns: Name or service not known, the DNS server answered NXDOMAIN (asked"
                    + " the DNS server " + server() + " after /etc/hosts, expected an A or AAAA record)");
            assertThat(((PgConnectException) failure).host()).isEqualTo("nowhere.pgconn.test:5432");

            dns.fail(NAME, DnsResponseCode.SERVFAIL);
            assertThat(failure(lookups.lookUp(HostSpec.of(NAME, 5432)))).hasMessage("could not translate host name \"" + NAME
                    + "\" to an address with hostResolver=netty-dns: the DNS server answered SERVFAIL(2) (asked the DNS server "
                    + server() + " after /etc/hosts, expected an A or AAAA record)");
            dns.answer(NAME, "127.0.0.2", 30);
            assertThat(texts(await(lookups.lookUp(HostSpec.of(NAME, 5432))))).as("a failure is not kept").containsExactly("127.0.0.2");
        } finally {
            lookups.close();
        }
    }

    private String server() {
        return dns.address().getHostString() + ":" + dns.address().getPort();
    }

    @Test
    void aLookUpMadeOnOneOfTheFactorysLoopsIsAskedAndAnsweredOnThatLoop() throws Exception {
        NettyDnsLookups lookups = lookups();
        try {
            dns.answer(NAME, "127.0.0.2", 30);
            for (io.netty.util.concurrent.EventExecutor executor : group) {
                EventLoop loop = (EventLoop) executor;
                AtomicReference<Boolean> answeredOnIt = new AtomicReference<>();
                CompletableFuture<InetAddress[]> found = new CompletableFuture<>();
                loop.execute(() -> lookups.lookUp(HostSpec.of(NAME, 5432)).whenComplete((addresses, error) -> {
                    answeredOnIt.set(loop.inEventLoop());
                    if (error != null) {
                        found.completeExceptionally(error);
                    } else {
                        found.complete(addresses);
                    }
                }));
                assertThat(texts(await(found))).containsExactly("127.0.0.2");
                assertThat(answeredOnIt.get()).as("no hop to another thread").isTrue();
            }
        } finally {
            lookups.close();
        }
    }

    @Test
    void closingClosesTheResolversChannelsAndLaterLookUpsFailAsClosed() {
        dns.answer(NAME, "127.0.0.2", 30);
        long fdsBefore = JvmResources.openFileDescriptors();
        NettyDnsLookups lookups = lookups();
        for (int i = 0; i < 4; i++) { // both loops get a resolver, each with its UDP channel
            await(CompletableFuture.supplyAsync(() -> lookups.lookUp(HostSpec.of(NAME, 5432)), group.next()).thenCompose(f -> f));
        }
        assertThat(JvmResources.openFileDescriptors()).isGreaterThan(fdsBefore);
        lookups.close();
        Conditions.awaitAtMost("open file descriptors after close", JvmResources::openFileDescriptors, fdsBefore, Duration.ofSeconds(10));
        assertThat(failure(lookups.lookUp(HostSpec.of(NAME, 5432)))).isInstanceOf(PgFactoryClosedException.class)
                .hasMessage("could not translate host name \"" + NAME + "\" to an address: the connection factory was closed");
    }

    @Test
    void withoutNettysDnsResolverTheLookUpFailsNamingTheSettingAndTheArtifact() {
        NettyDnsLookups lookups = new NettyDnsLookups(group, Transport.NIO, List.of(dns.address()), false);
        Throwable failure = failure(lookups.lookUp(HostSpec.of(NAME, 5432)));
        assertThat(failure).isInstanceOfSatisfying(PgConfigException.class, e -> {
            assertThat(e.keyword()).contains("hostResolver");
            assertThat(e.value()).contains("netty-dns");
            assertThat(e.host()).isEqualTo(NAME + ":5432");
        }).hasMessage("could not translate host name \"" + NAME + "\" to an address: hostResolver=netty-dns asks the DNS servers"
                + " with Netty's DNS client, which is not on the class path; add io.netty:netty-resolver-dns (at the version of"
                + " your other Netty jars, e.g. through io.netty:netty-bom), or leave hostResolver unset to look names up with the"
                + " system resolver");
        assertThat(dns.asked()).isEmpty();
    }

    @Test
    void addressesHostaddrAndSocketsNeedNoResolverAndANameGoesToTheOneAskedFor() {
        NettyDnsLookups nettyDns = lookups();
        BlockingCallPool system = new BlockingCallPool(name -> new InetAddress[]{InetAddress.getByAddress(name, new byte[]{10, 0, 0, 9})}, 1, 1);
        AddressResolver resolver = new AddressResolver(system, nettyDns, Transport.NIO);
        try {
            dns.answer(NAME, "127.0.0.2", 30);
            for (HostResolverKind kind : HostResolverKind.values()) {
                assertThat(await(resolver.resolve(HostSpec.of("10.1.2.3", 5432), kind, null)))
                        .containsExactly(new InetSocketAddress("10.1.2.3", 5432));
                assertThat(await(resolver.resolve(new HostSpec(NAME, "10.4.5.6", 5432), kind, null))).as("hostaddr: no DNS")
                        .containsExactly(new InetSocketAddress("10.4.5.6", 5432));
            }
            assertThat(dns.asked()).isEmpty();
            assertThat(system.started()).isFalse();

            List<SocketAddress> byNettyDns = await(resolver.resolve(HostSpec.of(NAME, 6543), HostResolverKind.NETTY_DNS, null));
            assertThat(byNettyDns).containsExactly(new InetSocketAddress("127.0.0.2", 6543));
            assertThat(((InetSocketAddress) byNettyDns.get(0)).getHostString()).as("the name stays with the address (TLS, .pgpass)")
                    .isEqualTo(NAME);
            assertThat(system.started()).isFalse();

            assertThat(await(resolver.resolve(HostSpec.of(NAME, 6543), HostResolverKind.SYSTEM, null)))
                    .containsExactly(new InetSocketAddress("10.0.0.9", 6543));
            assertThat(dns.askedForA(NAME)).isEqualTo(1);
        } finally {
            nettyDns.close();
            system.close();
        }
    }
}
