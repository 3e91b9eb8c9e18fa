package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import static io.pgconn.internal.tls.TestPki.dns;
import static io.pgconn.internal.tls.TestPki.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.pgconn.PgTlsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Real TLS handshakes over loopback against {@link FakeTlsServer}. */
class TlsNegotiatorTest {

    private static final long TIMEOUT_SECONDS = 10;

    private static EventLoopGroup group;
    private static TestPki.Issued ca;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued serverCert;     // localhost, 127.0.0.1, db.example.test
    private static TestPki.Issued wrongHostCert;  // other.example.com
    private static TestPki.Issued selfSigned;     // trusted by nobody
    private static Path caFile;
    private static Path otherCaFile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ca = TestPki.ca("test CA");
        otherCa = TestPki.ca("other CA");
        serverCert = TestPki.leaf(ca, "CN=localhost", dns("localhost"), dns("db.example.test"), ip("127.0.0.1"));
        wrongHostCert = TestPki.leaf(ca, "CN=other.example.com", dns("other.example.com"));
        selfSigned = TestPki.leaf(otherCa, "CN=localhost", dns("localhost"));
        caFile = TestPki.write(dir.resolve("root.crt"), TestPki.certificatesPem(ca.certificate()));
        otherCaFile = TestPki.write(dir.resolve("other-root.crt"), TestPki.certificatesPem(otherCa.certificate()));
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static SslContext server(TestPki.Issued cert, boolean alpn) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forServer(cert.key(), cert.certificate()).sslProvider(SslProvider.JDK);
        if (alpn) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "postgresql"));
        }
        return builder.build();
    }

    private static TlsSettings settings(SslMode mode, SslNegotiation negotiation, Path rootCert, SslProviderKind provider) {
        return new TlsSettings(mode, negotiation, rootCert == null ? null : rootCert.toString(), null, null, null,
                true, null, null, provider);
    }

    private static TlsSettings settings(SslMode mode, Path rootCert) {
        return settings(mode, SslNegotiation.POSTGRES, rootCert, SslProviderKind.JDK);
    }

    /** Connects to the fake server and negotiates; returns the outcome, closing the client channel. */
    private static TlsOutcome negotiate(FakeTlsServer server, TlsSettings settings, String hostName) throws Exception {
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // nothing: the negotiator expects an empty pipeline
                    }
                })
                .connect("127.0.0.1", server.port()).syncUninterruptibly().channel();
        try {
            SslContextFactory contexts = new SslContextFactory();
            SslContext context = contexts.create(settings, hostName + ":" + server.port());
            CompletableFuture<TlsOutcome> result = TlsNegotiator.negotiate(channel, context, settings,
                    contexts.chainVerifier(settings), hostName,
                    server.port(), hostName + ":" + server.port());
            TlsOutcome outcome = result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (outcome instanceof TlsOutcome.Encrypted) {
                assertThat(channel.pipeline().first()).isInstanceOf(SslHandler.class);
                assertThat(channel.pipeline().get(TlsHandshakeHandler.class)).isNull();
                assertThat(channel.pipeline().get(SslRequestHandler.class)).isNull();
            }
            return outcome;
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            channel.close().syncUninterruptibly();
        }
    }

    private static byte[] answer(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void verifyFullWithTheRightCaIsEncryptedAndKeepsTheLeaf() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            TlsOutcome outcome = negotiate(server, settings(SslMode.VERIFY_FULL, caFile), "localhost");
            byte[] expectedDer = serverCert.certificate().getEncoded();
            assertThat(outcome).isInstanceOfSatisfying(TlsOutcome.Encrypted.class, encrypted -> {
                assertThat(encrypted.protocol()).isEqualTo("TLSv1.3");
                assertThat(encrypted.cipherSuite()).isNotBlank();
                assertThat(encrypted.peerLeaf()).isEqualTo(serverCert.certificate());
                assertThat(encrypted.peerLeafDer()).isEqualTo(expectedDer);
            });
        }
    }

    @Test
    void verifyFullAcceptsAnIpAddressSan() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            assertThat(negotiate(server, settings(SslMode.VERIFY_FULL, caFile), "127.0.0.1"))
                    .isInstanceOf(TlsOutcome.Encrypted.class);
        }
    }

    @Test
    void wrongCaIsRefusedNamingTheRootCertFile() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            assertThatThrownBy(() -> negotiate(server, settings(SslMode.VERIFY_CA, otherCaFile), "localhost"))
                    .isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("not trusted by sslrootcert=" + otherCaFile)
                    .hasMessageContaining("localhost:" + server.port());
        }
    }

    @Test
    void wrongHostIsRefusedByVerifyFullButAcceptedByVerifyCa() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(wrongHostCert, false), answer("S"))) {
            assertThatThrownBy(() -> negotiate(server, settings(SslMode.VERIFY_FULL, caFile), "localhost"))
                    .isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("\"localhost\"")
                    .hasMessageContaining("other.example.com")
                    .hasMessageContaining("localhost:" + server.port());
        }
        try (FakeTlsServer server = new FakeTlsServer(group, server(wrongHostCert, false), answer("S"))) {
            assertThat(negotiate(server, settings(SslMode.VERIFY_CA, caFile), "localhost"))
                    .isInstanceOf(TlsOutcome.Encrypted.class);
        }
    }

    @Test
    void requireWithoutRootCertEncryptsWithoutVerifying() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(selfSigned, false), answer("S"))) {
            assertThat(negotiate(server, settings(SslMode.REQUIRE, null), "db.example.test"))
                    .isInstanceOf(TlsOutcome.Encrypted.class);
        }
    }

    @Test
    void requireWithRootCertVerifiesTheChain() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(selfSigned, false), answer("S"))) {
            assertThatThrownBy(() -> negotiate(server, settings(SslMode.REQUIRE, caFile), "localhost"))
                    .isInstanceOf(PgTlsException.class).hasMessageContaining("not trusted by sslrootcert=");
        }
    }

    @Test
    void noCommonProtocolVersionIsExplained() throws Exception {
        SslContext tls12Only = SslContextBuilder.forServer(serverCert.key(), serverCert.certificate())
                .sslProvider(SslProvider.JDK).protocols("TLSv1.2").build();
        TlsSettings tls13Only = new TlsSettings(SslMode.REQUIRE, null, null, null, null, null, true, "TLSv1.3", null, null);
        try (FakeTlsServer server = new FakeTlsServer(group, tls12Only, answer("S"))) {
            assertThatThrownBy(() -> negotiate(server, tls13Only, "localhost"))
                    .isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("no TLS protocol version in common (client allows TLSv1.3)");
        }
    }

    @Test
    void refusalOverTheNetworkIsRefused() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("N"))) {
            assertThat(negotiate(server, settings(SslMode.PREFER, null), "localhost")).isInstanceOf(TlsOutcome.Refused.class);
        }
    }

    @Test
    void plaintextInjectedAfterSIsRefused() throws Exception {
        // one write, so the bytes reach the client in the same read as the 'S' (CVE-2021-23222)
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("SR\0\0\0\10\0\0\0\0"))) {
            assertThatThrownBy(() -> negotiate(server, settings(SslMode.REQUIRE, null), "localhost"))
                    .isInstanceOf(PgTlsException.class).hasMessageContaining("unencrypted data after SSL response");
        }
    }

    @Test
    void directNegotiationWithAlpn() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, true), null)) {
            assertThat(negotiate(server, settings(SslMode.VERIFY_FULL, SslNegotiation.DIRECT, caFile, SslProviderKind.JDK),
                    "localhost")).isInstanceOf(TlsOutcome.Encrypted.class);
        }
    }

    @Test
    void directNegotiationWithoutAlpnIsRefused() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), null)) {
            assertThatThrownBy(() -> negotiate(server,
                    settings(SslMode.VERIFY_FULL, SslNegotiation.DIRECT, caFile, SslProviderKind.JDK), "localhost"))
                    .isInstanceOf(PgTlsException.class)
                    .hasMessageContaining("did not select ALPN protocol postgresql");
        }
    }

    @Test
    void sendsSniForNamesOnlyWhenEnabled() throws Exception {
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            negotiate(server, settings(SslMode.REQUIRE, null), "db.example.test");
            assertThat(server.sniHostName.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("db.example.test");
        }
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            TlsSettings noSni = new TlsSettings(SslMode.REQUIRE, null, null, null, null, null, false, null, null, null);
            negotiate(server, noSni, "db.example.test");
            assertThat(server.sniHostName.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEmpty();
        }
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            negotiate(server, settings(SslMode.REQUIRE, null), "127.0.0.1");
            assertThat(server.sniHostName.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void clientCertificateFromPkcs1KeyIsAcceptedByTheServer() throws Exception {
        TestPki.Issued client = TestPki.leaf(ca, "CN=alice", TestPki.rsaKeys());
        Path cert = TestPki.write(dir.resolve("alice.crt"), TestPki.certificatesPem(client.certificate()));
        Path key = TestPki.write(dir.resolve("alice.key"), TestPki.traditionalPem(client.key()));
        SslContext serverContext = SslContextBuilder.forServer(serverCert.key(), serverCert.certificate())
                .sslProvider(SslProvider.JDK).trustManager(ca.certificate()).clientAuth(ClientAuth.REQUIRE).build();
        TlsSettings settings = new TlsSettings(SslMode.VERIFY_FULL, null, caFile.toString(), cert, key, null, true,
                null, null, null);
        try (FakeTlsServer server = new FakeTlsServer(group, serverContext, answer("S"))) {
            assertThat(negotiate(server, settings, "localhost")).isInstanceOf(TlsOutcome.Encrypted.class);
            assertThat(server.clientSubject.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("CN=alice");
        }
    }

    @Test
    void openSslProviderVerifiesToo() throws Exception {
        // CI has netty-tcnative: there the OpenSSL path must run, not skip
        assumeTrue(OpenSsl.isAvailable() || "true".equals(System.getenv("CI")), "netty-tcnative not usable on this platform");
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, true), null)) {
            assertThat(negotiate(server, settings(SslMode.VERIFY_FULL, SslNegotiation.DIRECT, caFile, SslProviderKind.OPENSSL),
                    "localhost")).isInstanceOf(TlsOutcome.Encrypted.class);
        }
        try (FakeTlsServer server = new FakeTlsServer(group, server(serverCert, false), answer("S"))) {
            assertThatThrownBy(() -> negotiate(server,
                    settings(SslMode.VERIFY_CA, SslNegotiation.POSTGRES, otherCaFile, SslProviderKind.OPENSSL), "localhost"))
                    .isInstanceOf(PgTlsException.class).hasMessageContaining("not trusted by sslrootcert=");
        }
    }
}
