package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.PgTimeoutException;
import io.pgconn.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TCP dial on every transport this machine has, against real loopback sockets: a refused port
 * fails at once as a refusal, never as the connect timeout — for the dial alone and for a factory's
 * whole connect over two refused hosts — and an open port gives an active channel. (The Bootstrap-less
 * dial's hang with JDK 25-compiled classes needed a class path without the io_uring jar, which this
 * module's tests have: {@link WithoutNativeTransportsTest} runs that case.)
 */
class DialerTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRefusedPortFailsAtOnceAsARefusalNotAsTheTimeout(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try {
            int port = refusedPort();
            CompletableFuture<Channel> dial = new Dialer(group, transport).dial(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), false, null, Duration.ofSeconds(20), "127.0.0.1:" + port);
            // well inside the 20 s connect timeout: a refusal on loopback is immediate
            assertThatThrownBy(() -> dial.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PgConnectException.class).isNotInstanceOf(PgTimeoutException.class)
                    .hasMessageContaining("refused").hasMessageContaining("127.0.0.1:" + port);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anOpenPortGivesAnActiveChannel(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel channel = new Dialer(group, transport).dial(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    false, null, Duration.ofSeconds(20), "127.0.0.1:" + server.getLocalPort()).get(10, TimeUnit.SECONDS);
            assertThat(channel.isActive()).isTrue();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A dial without a timeout (hostConnectTimeout and connectTimeout 0: libpq's "wait indefinitely", lifecycle.md §3)
     * arms none: the channel's connect timeout was left at Netty's default, so such a dial still gave up after 30 s.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aDialWithoutATimeoutHasNoConnectTimeout(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Dialer dialer = new Dialer(group, transport);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Channel unbounded = dialer.dial(address, false, null, Duration.ZERO, "127.0.0.1:" + server.getLocalPort()).get(10, TimeUnit.SECONDS);
            Channel bounded = dialer.dial(address, false, null, Duration.ofMillis(1500), "127.0.0.1:" + server.getLocalPort()).get(10, TimeUnit.SECONDS);
            try {
                assertThat(unbounded.config().getConnectTimeoutMillis()).isZero();
                assertThat(bounded.config().getConnectTimeoutMillis()).isEqualTo(1500);
            } finally {
                unbounded.close().sync();
                bounded.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** libpq's tcp_user_timeout becomes TCP_USER_TIMEOUT where the transport can set it (not NIO: the JDK has no such option). */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "IO_URING"})
    void tcpUserTimeoutIsSetOnTheSocket(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        EventLoopGroup group = transport.newEventLoopGroup(1);
        ChannelOption<Integer> option = transport == Transport.EPOLL ? io.netty.channel.epoll.EpollChannelOption.TCP_USER_TIMEOUT
                : io.netty.channel.uring.IoUringChannelOption.TCP_USER_TIMEOUT;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Dialer.KeepaliveSettings tcp = new Dialer.KeepaliveSettings(true, null, null, null, 1500);
            Channel channel = new Dialer(group, transport).dial(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    false, tcp, Duration.ofSeconds(20), "127.0.0.1:" + server.getLocalPort()).get(10, TimeUnit.SECONDS);
            assertThat(channel.config().getOption(option)).isEqualTo(1500);
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * On NIO, where tcp_user_timeout cannot be set, a factory says so once, at WARNING and naming the setting —
     * not once per connect (three connects here), and again for another factory.
     */
    @org.junit.jupiter.api.Test
    void tcpUserTimeoutOnNioIsWarnedAboutOncePerFactory() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Dialer.class.getName());
        logger.addHandler(capture);
        int port = refusedPort();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + port + " user=nobody sslmode=disable tcp_user_timeout=1500");
        try {
            for (int factories = 1; factories <= 2; factories++) {
                try (PgConnectionFactory factory = PgConnectionFactory.builder(config).transport(Transport.NIO).threads(1).build()) {
                    for (int connects = 0; connects < 3; connects++) {
                        assertThatThrownBy(() -> factory.connect().get(10, TimeUnit.SECONDS)).hasMessageContaining("refused");
                    }
                }
                assertThat(records).hasSize(factories);
            }
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(records).allSatisfy(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("tcp_user_timeout=1500 has no effect on the NIO transport");
        });
    }

    /**
     * An IPv4 address is dialled on an IPv4 socket (libpq's {@code socket(AF_INET)}), not on the
     * transports' default dual-stack IPv6 socket with an IPv4-mapped address: the kernel lists the
     * socket in /proc/self/net/tcp, not tcp6. io_uring's channel has no family constructor in this Netty.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void anIpv4AddressIsDialledOnAnIpv4Socket(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp6")), "needs Linux with IPv6 (/proc/self/net/tcp6)");
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Channel channel = new Dialer(group, transport).dial(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()),
                    false, null, Duration.ofSeconds(20), "127.0.0.1:" + server.getLocalPort()).get(10, TimeUnit.SECONDS);
            try {
                int localPort = ((InetSocketAddress) channel.localAddress()).getPort();
                // the pair of ports names this connection: another socket of the machine may share the
                // local port number alone (an IPv6 one with another peer)
                String pair = localPort + "->" + server.getLocalPort();
                assertThat(portPairs(Path.of("/proc/self/net/tcp"))).contains(pair);
                assertThat(portPairs(Path.of("/proc/self/net/tcp6"))).doesNotContain(pair);
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * The "local port->remote port" of the sockets a /proc/net/tcp[6] table lists (columns local_address
     * and rem_address, "ADDR:PORT" with the port in hex).
     */
    private static List<String> portPairs(Path table) throws IOException {
        return Files.readAllLines(table).stream().skip(1)
                .map(line -> line.trim().split("\\s+"))
                .map(columns -> port(columns[1]) + "->" + port(columns[2]))
                .toList();
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /**
     * The address dialled for a host name is named after it, as libpq names it ({@code "localhost" (127.0.0.1)}), in a
     * refusal and in a timeout; a host that is the address is not followed by it again. It said the JDK's text,
     * {@code (localhost/127.0.0.1:5432)}, and a timeout named no address (PARITY-19).
     */
    @org.junit.jupiter.api.Test
    void aRefusalAndATimeoutNameTheAddressDialledForAHostName() throws Exception {
        int refused = refusedPort();
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
             PgConnectionFactory factory = PgConnectionFactory.create(ConnConfig.parse("host=localhost,localhost,127.0.0.1 port="
                     + refused + "," + silent.getLocalPort() + "," + refused + " user=nobody sslmode=disable hostConnectTimeout=300ms"))) {
            assertThatThrownBy(() -> factory.connect().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .hasMessageContaining("localhost:" + refused + ": connection refused to localhost:" + refused + " (127.0.0.1)\n")
                    .hasMessageContaining("localhost:" + silent.getLocalPort() + ": server localhost:" + silent.getLocalPort()
                            + " (127.0.0.1) did not complete the connection within 300ms")
                    .hasMessageEndingWith("127.0.0.1:" + refused + ": connection refused to 127.0.0.1:" + refused)
                    .hasMessageNotContaining("/127.0.0.1");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFactorysConnectOverRefusedHostsFailsAtOnceNamingEachRefusal(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        int first = refusedPort();
        int second = refusedPort();
        // the whole connect path (ConnectLoops picks the loop, ConnectWalk walks both hosts), not the dial alone
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + first + "," + second
                + " user=nobody sslmode=disable connect_timeout=20")).transport(transport).build();
        try {
            assertThatThrownBy(() -> factory.connect().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PgConnectException.class).isNotInstanceOf(PgTimeoutException.class)
                    .hasMessageContaining("127.0.0.1:" + first + ": connection refused")
                    .hasMessageContaining("127.0.0.1:" + second + ": connection refused")
                    // the OS's answer once, not again in the transport's own words (new user 6 F4)
                    .hasMessageNotContaining("failed with error")
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase(java.util.Locale.ROOT).split("refused", -1)).hasSize(3));
        } finally {
            factory.close();
        }
    }

    /**
     * A Unix socket whose directory does not exist is said in the system's words, with libpq's hint (LIBPQ-14 us05:
     * libpq "connection to server on socket \"…\" failed: No such file or directory"; pgconn said "…: null" on
     * epoll and io_uring, whose exception for ENOENT has no message). A socket path longer than a socket address
     * holds is refused in libpq's words for that host only, and the walk goes on (us09, us10: pgconn gave Netty's
     * "connect(..) failed with error(-36): File name too long").
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void unixSocketFailuresAreSaidInTheSystemsWordsAndTheWalkGoesOn(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here (NIO always is)");
        Path parent = Files.createTempDirectory("pgconn-sock");
        String missing = parent.resolve("missing").toString();
        String tooLong = parent.resolve("d".repeat(120)).toString();
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=" + tooLong + "," + missing
                + " port=5999 user=nobody connect_timeout=20")).transport(transport).build();
        try {
            assertThatThrownBy(() -> factory.connect().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PgConnectException.class)
                    .hasMessageContaining("Unix-domain socket path \"" + tooLong + "/.s.PGSQL.5999\" is too long (maximum 107 bytes)")
                    .hasMessageContaining("could not connect to server on socket \"" + missing + "/.s.PGSQL.5999\": No such file or directory"
                            + " (is the server running locally and accepting connections on that socket?)")
                    .hasMessageNotContaining("null").hasMessageNotContaining("failed with error").hasMessageNotContaining("Exception");
        } finally {
            factory.close();
            Files.delete(parent);
        }
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
