package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCRAM servers that cheat or garble (docs/testing.md §2, docs/lifecycle.md §1.4 "SCRAM hardening"): the client
 * insists on mutual authentication and strict message grammar, and says which host failed and how.
 */
class HostileScramIT {

    private static final String PLAIN = "sslmode=disable";

    /** Reads the startup, offers SCRAM-SHA-256 and reads the client-first message. */
    private static ScramServerSide startScram(Conversation c) throws Exception {
        c.readStartupRefusingTls();
        c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
        return ScramServerSide.begin(c);
    }

    private static void refused(ScriptedServer.Script script, Class<? extends PgException> type, String... fragments) {
        try (ScriptedServer server = ScriptedServer.start(script)) {
            Refusal.expect(server, PLAIN, type, fragments);
        }
    }

    /** The control case: the scripted server side is right, so the refusals below are about the cheat alone. */
    @Test
    void aCorrectScramExchangeSucceeds() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            Conversation.Message clientFinal = c.readMessage();
            c.send(Backend.saslFinal(scram.serverFinal(clientFinal, HostileClient.PASSWORD)), Backend.trustLogin());
        }); HostileClient client = new HostileClient(server, PLAIN)) {
            PgConnection connection = client.connect();
            assertThat(connection.authMethod().requireAuthName()).isEqualTo("scram-sha-256");
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(java.time.Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void authenticationOkBeforeSaslFinalIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.trustLogin()); // skips SASLFinal: the server never proved it knows the password
        }, PgAuthenticationException.class, "AuthenticationOk", "not verified");
    }

    @Test
    void authenticationOkRightAfterSaslStartIsRefused() {
        refused(c -> {
            startScram(c);
            c.send(Backend.trustLogin());
        }, PgAuthenticationException.class, "AuthenticationOk", "not verified");
    }

    @Test
    void saslContinueWithoutSaslStartIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.saslContinue("r=abc,s=" + ScramServerSide.SALT_BASE64 + ",i=4096"));
        }, PgProtocolException.class, "SASLContinue without starting SASL");
    }

    @Test
    void saslFinalWithoutSaslStartIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.saslFinal("v=" + Base64.getEncoder().encodeToString(new byte[32])));
        }, PgProtocolException.class, "SASLFinal without starting SASL");
    }

    @Test
    void serverNonceNotExtendingTheClientNonceIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("someoneElsesNonce", 4096)));
        }, PgAuthenticationException.class, "does not extend the client nonce");
    }

    @Test
    void serverNonceEqualToTheClientNonceIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst(scram.clientNonce(), 4096)));
        }, PgAuthenticationException.class, "does not extend the client nonce");
    }

    @ParameterizedTest(name = "i={0} is refused")
    @CsvSource({"1", "4095", "10000001", "1000000000", "99999999999999"})
    void iterationCountsOutsideTheBoundsAreRefused(String iterations) {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("r=" + scram.clientNonce() + "x,s=" + ScramServerSide.SALT_BASE64
                    + ",i=" + iterations)));
        }, PgAuthenticationException.class, "SCRAM iteration count of " + iterations,
                Long.parseLong(iterations) < 4096 ? "below minScramIterations=4096" : "above maxScramIterations=10000000");
    }

    @ParameterizedTest(name = "i={0} is malformed")
    @CsvSource({"abc", "-1", "4096x", "0x1000"})
    void nonNumericIterationCountsAreRefused(String iterations) {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("r=" + scram.clientNonce() + "x,s=" + ScramServerSide.SALT_BASE64
                    + ",i=" + iterations)));
        }, PgProtocolException.class, "iteration count (i=) is not a number");
    }

    @Test
    void saltThatIsNotBase64IsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("r=" + scram.clientNonce() + "x,s=***,i=4096")));
        }, PgProtocolException.class, "salt (s=) is not valid base64");
    }

    @Test
    void badServerSignatureIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.saslFinal("v=" + Base64.getEncoder().encodeToString(new byte[32])), Backend.authenticationOk());
        }, PgAuthenticationException.class, "server signature does not match");
    }

    @Test
    void signatureForAnotherPasswordIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            Conversation.Message clientFinal = c.readMessage();
            c.send(Backend.saslFinal(scram.serverFinal(clientFinal, "not-the-password")), Backend.authenticationOk());
        }, PgAuthenticationException.class, "server signature does not match");
    }

    @Test
    void scramErrorAttributeIsReported() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.saslFinal("e=invalid-proof"));
        }, PgAuthenticationException.class, "SCRAM error", "invalid-proof");
    }

    @Test
    void mandatoryExtensionIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("m=ext," + scram.serverFirst())));
        }, PgAuthenticationException.class, "mandatory SCRAM extension");
    }

    @ParameterizedTest(name = "server-first \"{0}\" is malformed")
    @CsvSource(delimiter = '|', value = {
            "r=NONCE,i=4096|expected attribute s=",
            "s=c2FsdA==,r=NONCE,i=4096|expected attribute r=",
            "r=NONCE,s=c2FsdA==|missing attribute i=",
            "r=NONCE,s=c2FsdA==,i=4096,x=1|unexpected attribute after i=",
            "r=NONCE,s=,i=4096|empty attribute s=",
            "''|expected attribute r="})
    void malformedServerFirstMessagesAreRefused(String template, String expected) {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst(template.replace("NONCE", scram.clientNonce() + "x"))));
        }, PgProtocolException.class, "malformed SCRAM message", expected);
    }

    @Test
    void controlCharacterInServerFirstIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst("r=" + scram.clientNonce() + "x\n,s=c2FsdA==,i=4096")));
        }, PgProtocolException.class, "outside printable ASCII");
    }

    @ParameterizedTest(name = "server-final \"{0}\" is malformed")
    @CsvSource(delimiter = '|', value = {
            "v=AAAA,x=1|unexpected attribute after v=",
            "v=***|not valid base64",
            "x=AAAA|expected attribute v="})
    void malformedServerFinalMessagesAreRefused(String serverFinal, String expected) {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.saslFinal(serverFinal));
        }, PgProtocolException.class, "malformed SCRAM message", expected);
    }

    @Test
    void secondSaslContinueIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.saslContinue(scram.serverFirst()));
        }, PgProtocolException.class, "unexpected SCRAM step");
    }

    @Test
    void secondSaslFinalIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            String serverFinal = scram.serverFinal(c.readMessage(), HostileClient.PASSWORD);
            c.send(Backend.saslFinal(serverFinal), Backend.saslFinal(serverFinal));
        }, PgProtocolException.class, "unexpected SCRAM step");
    }

    @Test
    void saslRestartedMidExchangeIsRefused() {
        refused(c -> {
            ScramServerSide scram = startScram(c);
            c.send(Backend.saslContinue(scram.serverFirst()));
            c.readMessage();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
        }, PgProtocolException.class, "started SASL authentication after");
    }

    @Test
    void emptyMechanismListIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl());
        }, PgAuthenticationException.class, "unsupported authentication method", "offered no SASL mechanism");
    }
}
