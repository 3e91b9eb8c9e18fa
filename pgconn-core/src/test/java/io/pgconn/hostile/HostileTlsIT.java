package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTlsException;
import io.pgconn.testkit.ServerCertificate;
import io.pgconn.internal.tls.SslRequestErrorException;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS-era misbehaviour (docs/testing.md §2, docs/lifecycle.md §1.2) against scripted servers that complete real
 * TLS handshakes with the testkit's certificates: refusals, error answers, odd bytes, untrusted or
 * wrong-host certificates, missing ALPN, and libpq's fallback rules for {@code sslmode=prefer}.
 */
class HostileTlsIT {

    private static SSLContext trusted() {
        return TlsMaterial.server(ServerCertificate.TRUSTED);
    }

    private static String verify(String mode) {
        return "sslmode=" + mode + " " + TlsMaterial.trustedRoot();
    }

    /** The control case: a scripted TLS server with the trusted certificate passes verify-full. */
    @Test
    void aTrustedTlsServerPassesVerifyFull() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.trustLogin());
        }); HostileClient client = new HostileClient(server, verify("verify-full"))) {
            PgConnection connection = client.connect();
            assertThat(connection.tlsProtocol()).isPresent();
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @ParameterizedTest(name = "'N' under sslmode={0}")
    @ValueSource(strings = {"require", "verify-ca", "verify-full"})
    void refusalOfTlsUnderARequiringModeIsAnError(String mode) {
        try (ScriptedServer server = ScriptedServer.start(Conversation::readStartupRefusingTls)) {
            Refusal.expect(server, verify(mode), PgTlsException.class, "does not support SSL", "sslmode=" + mode + " requires it");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "'E' to SSLRequest under sslmode={0}: an error, no plaintext retry")
    @ValueSource(strings = {"prefer", "require", "verify-full"})
    void errorAnswerToSslRequestIsAnErrorWithoutRetry(String mode) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'E'}, Backend.errorResponse("XX000", "evil text from an unauthenticated server"));
        })) {
            Refusal refusal = Refusal.expect(server, verify(mode), SslRequestErrorException.class, "answered with an error");
            assertThat(refusal.failure().getMessage()).doesNotContain("evil text");
            assertThat(server.connections()).as("no plaintext retry after 'E' (libpq)").isEqualTo(1);
        }
    }

    @Test
    void errorAfterRefusalUnderPreferIsNotRetried() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("57P03", "the database system is starting up"));
        })) {
            Refusal.expect(server, "sslmode=prefer", PgConnectException.class, "starting up").sqlState("57P03");
            assertThat(server.connections()).as("the plaintext attempt after 'N' was the fallback already").isEqualTo(1);
        }
    }

    /**
     * 57P03 over TLS under prefer ends the host: the server's state, not the encryption's, so no plaintext login follows
     * (libpq 18: "nor is there much point in changing SSL or GSS mode"; REVIEW-25 R25-1). Another startup error from
     * the server is retried in plaintext, as libpq does.
     */
    @ParameterizedTest(name = "{0} over TLS under prefer: connections = {1}")
    @CsvSource({"57P03, 1", "53300, 2", "57P01, 2"})
    void aStartupErrorOverTlsUnderPreferIsRetriedInPlaintextUnlessTheServerCannotConnectNow(String sqlState, int connections) {
        List<Boolean> encrypted = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            encrypted.add(c.isTls());
            c.send(Backend.errorResponse(sqlState, "startup refused with " + sqlState));
        })) {
            Refusal.expect(server, "sslmode=prefer", PgConnectException.class, "startup refused with " + sqlState).sqlState(sqlState);
            assertThat(server.connections()).isEqualTo(connections);
            assertThat(encrypted).containsExactlyElementsOf(connections == 1 ? List.of(true) : List.of(true, false));
        }
    }

    @Test
    void authenticationFailureAfterRefusalUnderPreferIsNotRetried() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
        })) {
            Refusal.expect(server, "sslmode=prefer", PgAuthenticationException.class, "password authentication failed");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void bytesAfterTheRefusalAreRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'N', 'R', 0, 0});
        })) {
            Refusal.expect(server, "sslmode=prefer", PgProtocolException.class, "unexpected bytes after the SSL refusal");
            assertThat(server.connections()).as("no plaintext retry after a malformed answer").isEqualTo(1);
        }
    }

    @Test
    void unknownAnswerToSslRequestIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'X'});
        })) {
            Refusal.expect(server, "sslmode=prefer", PgProtocolException.class, "expected 'S', 'N' or 'E'", "0x58");
            assertThat(server.connections()).as("no plaintext retry after a malformed answer").isEqualTo(1);
        }
    }

    @Test
    void closeBeforeAnsweringSslRequestIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.close();
        })) {
            Refusal.expect(server, "sslmode=require", PgConnectException.class, "closed the connection unexpectedly before answering SSLRequest");
        }
    }

    /**
     * A reset mid-handshake is the server going away too (classified by type: a socket IOException, not an
     * SSLException): a transport failure, after which a multi-host connect moves on. It was a PgTlsException
     * ("handshake error"), which stops the walk.
     */
    @Test
    void resetAfterAcceptingTlsIsATransportFailure() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S'});
            c.readSome(); // the ClientHello
            c.reset();
        })) {
            Refusal refusal = Refusal.expect(server, "sslmode=require", PgConnectException.class, "TLS handshake",
                    "closed the connection unexpectedly");
            // said in pgconn's words, the socket's exception suppressed: Spring MVC takes "Connection reset by peer" in
            // the most specific cause for its own HTTP client going away and answers nothing (new user 11 F1)
            ClientGoneWords.assertNoneIn(refusal.failure());
        }
    }

    @Test
    void closeAfterAcceptingTlsIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S'});
            c.readSome(); // the ClientHello
            c.close();
        })) {
            Refusal.expect(server, "sslmode=require", PgConnectException.class, "TLS handshake", "closed the connection unexpectedly");
        }
    }

    @Test
    void plaintextAnswerToTheClientHelloIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S'});
            c.readSome(); // the ClientHello, answered in plaintext
            c.send(Backend.errorResponse("XX000", "not TLS at all"));
        })) {
            Refusal.expect(server, "sslmode=require", PgTlsException.class, "TLS handshake with", "failed");
        }
    }

    @ParameterizedTest(name = "a certificate from an untrusted CA under sslmode={0} with sslrootcert")
    @ValueSource(strings = {"require", "verify-ca", "verify-full"})
    void certificateFromAnUntrustedCaIsRefused(String mode) {
        try (ScriptedServer server = ScriptedServer.start(c -> c.readStartupAcceptingTls(TlsMaterial.server(ServerCertificate.UNTRUSTED_CA)))) {
            Refusal.expect(server, verify(mode), PgTlsException.class, "certificate chain not trusted by sslrootcert=");
        }
    }

    @Test
    void certificateForAnotherHostIsRefusedUnderVerifyFull() {
        try (ScriptedServer server = ScriptedServer.start(c -> c.readStartupAcceptingTls(TlsMaterial.server(ServerCertificate.WRONG_HOST)))) {
            Refusal.expect(server, verify("verify-full"), PgTlsException.class, "127.0.0.1", "wrong.example");
        }
    }

    @Test
    void certificateForAnotherHostPassesVerifyCa() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(TlsMaterial.server(ServerCertificate.WRONG_HOST));
            c.send(Backend.trustLogin());
        }); HostileClient client = new HostileClient(server, verify("verify-ca"))) {
            PgConnection connection = client.connect();
            assertThat(connection.tlsProtocol()).isPresent();
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void noCommonTlsVersionIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.acceptTls(trusted(), "TLSv1.2");
        })) {
            Refusal.expect(server, verify("verify-full") + " ssl_min_protocol_version=TLSv1.3", PgTlsException.class,
                    "TLS handshake with", "failed");
        }
    }

    @Test
    void directTlsWithoutAlpnIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> c.acceptDirectTls(trusted()))) {
            Refusal.expect(server, verify("verify-full") + " sslnegotiation=direct", PgTlsException.class,
                    "did not select ALPN protocol postgresql");
        }
    }

    @Test
    void authenticationFailureOverTlsIsTyped() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
        })) {
            Refusal.expect(server, verify("verify-full"), PgAuthenticationException.class, "password authentication failed")
                    .sqlState("28P01");
        }
    }

    @Test
    void closeDuringStartupOverTlsIsReported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.authenticationOk());
            c.close();
        })) {
            Refusal.expect(server, verify("verify-full"), PgConnectException.class, "closed the connection unexpectedly during startup");
        }
    }

    @Test
    void channelBindingRequireRefusesAnOfferWithoutPlus() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
        })) {
            Refusal.expect(server, verify("verify-full") + " channel_binding=require", PgAuthenticationException.class,
                    "channel_binding=require failed", "did not offer SCRAM-SHA-256-PLUS");
        }
    }

    @Test
    void channelBindingRequireRefusesCleartextOverTls() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.authenticationCleartext());
        })) {
            Refusal.expect(server, verify("verify-full") + " channel_binding=require", PgAuthenticationException.class,
                    "channel_binding=require failed", "cleartext");
        }
    }

    @Test
    void preferFallsBackToPlaintextAfterAFailedHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            Conversation.StartupPacket first = c.readStartupPacket();
            if (first.isSslRequest()) {
                c.send(new byte[]{'S'});
                c.close(); // the TLS attempt dies
            } else {
                c.send(Backend.trustLogin());
            }
        }); HostileClient client = new HostileClient(server, "sslmode=prefer")) {
            PgConnection connection = client.connect();
            assertThat(connection.tlsProtocol()).isEmpty();
            assertThat(server.connections()).isEqualTo(2);
            connection.close().get(5, TimeUnit.SECONDS);
        }
    }

    /** libpq ends the whole attempt when a host fails TLS in a way the sslmode allows no fallback from. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "answer N under require|sslmode=require|refuse|does not support SSL",
            "untrusted chain under verify-ca|verify-ca|UNTRUSTED_CA|certificate chain not trusted",
            "wrong host name under verify-full|verify-full|WRONG_HOST|wrong.example"})
    void aTlsFailureWithoutFallbackStopsTheWalk(String name, String mode, String server, String fragment) {
        String options = mode.startsWith("sslmode=") ? mode : verify(mode);
        try (ScriptedServer failing = ScriptedServer.start(c -> {
            if (server.equals("refuse")) {
                c.readStartupRefusingTls();
            } else {
                c.readStartupAcceptingTls(TlsMaterial.server(ServerCertificate.valueOf(server)));
            }
        }); ScriptedServer never = ScriptedServer.start(c -> {
            c.readStartupAcceptingTls(trusted());
            c.send(Backend.trustLogin());
        }); HostileClient client = new HostileClient(options, PgTracer.noop(), failing, never)) {
            Refusal.connect(client, PgTlsException.class, fragment).namesHost(failing).closed(client, failing, never);
            assertThat(never.connections()).as("hosts after a TLS failure without fallback are not tried").isZero();
        }
    }

    @Test
    void authenticationFailureOverTlsStopsTheWalkEvenIfThePlaintextRetryDiesDifferently() {
        try (ScriptedServer rejecting = ScriptedServer.start(c -> {
            Conversation.StartupPacket first = c.readStartupPacket();
            if (first.isSslRequest()) {
                c.acceptTls(trusted());
                c.readStartupPacket();
                c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
            } else {
                c.close(); // the plaintext retry meets a closed door
            }
        }); ScriptedServer never = ScriptedServer.start(c -> c.send(Backend.trustLogin()));
             HostileClient client = new HostileClient("sslmode=prefer", PgTracer.noop(), rejecting, never)) {
            Refusal.expect(client, rejecting, PgAuthenticationException.class, "password authentication failed");
            assertThat(never.connections()).as("hosts after an authentication failure are not tried").isZero();
        }
    }

    /**
     * The TLS context is read before the dial, off the event loop (docs/lifecycle.md §1.6): when it cannot be built —
     * here a verify-full root certificate file that does not exist — the attempt fails with the configuration error
     * naming the file and the host, and no socket is opened for it (before session 26 the context was built on the
     * open socket, which then had to be closed at once).
     */
    @Test
    void aTlsContextThatCannotBeBuiltFailsTheAttemptBeforeTheDial() {
        try (ScriptedServer server = ScriptedServer.start(Conversation::awaitClientClose);
             HostileClient client = new HostileClient(server, "sslmode=verify-full sslrootcert=/nonexistent/pgconn-root.crt")) {
            Refusal.connect(client, io.pgconn.PgConfigException.class, "does not exist", "/nonexistent/pgconn-root.crt")
                    .namesHost(server)
                    .closed(client, server);
            assertThat(server.connections()).as("no socket was opened for an attempt whose TLS files failed").isZero();
        }
    }
}
