package io.pgconn.internal.auth;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScramSessionTest {

    private static final String HOST = "db1:5432";
    // RFC 7677 §3
    private static final String NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = NONCE + "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SERVER_FIRST = "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=" + SERVER_NONCE
            + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    private static final ScramSelection PLAIN = new ScramSelection(ScramSelection.SCRAM_SHA_256, "n,,", null);

    private static ScramSession rfcSession() {
        return new ScramSession(HOST, PLAIN, bytes("pencil"), new SaltedPasswordCache(4), 4096, 10_000_000, "user", NONCE);
    }

    /** A session that has sent client-first. */
    private static ScramSession started() {
        ScramSession session = rfcSession();
        session.clientFirstMessage();
        return session;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677Vector() {
        ScramSession session = rfcSession();
        assertThat(new String(session.clientFirstMessage(), StandardCharsets.UTF_8)).isEqualTo("n,,n=user,r=" + NONCE);
        assertThat(new String(session.clientFinalMessage(bytes(SERVER_FIRST)), StandardCharsets.UTF_8)).isEqualTo(CLIENT_FINAL);
        assertThat(session.isVerified()).isFalse();
        session.verifyServerFinal(bytes(SERVER_FINAL));
        assertThat(session.isVerified()).isTrue();
    }

    @Test
    void rfc7677VectorWithoutCache() {
        ScramSession session = new ScramSession(HOST, PLAIN, bytes("pencil"), null, 4096, 4096, "user", NONCE);
        session.clientFirstMessage();
        assertThat(new String(session.clientFinalMessage(bytes(SERVER_FIRST)), StandardCharsets.UTF_8)).isEqualTo(CLIENT_FINAL);
    }

    @Test
    void publicConstructorSendsEmptyUserAndFreshRandomNonce() {
        String first = new String(new ScramSession(HOST, PLAIN, bytes("pw"), null, 4096, 4096).clientFirstMessage(),
                StandardCharsets.UTF_8);
        String other = new String(new ScramSession(HOST, PLAIN, bytes("pw"), null, 4096, 4096).clientFirstMessage(),
                StandardCharsets.UTF_8);
        assertThat(first).matches("n,,n=,r=[A-Za-z0-9+/]{24}");
        assertThat(first).isNotEqualTo(other);
    }

    @Test
    void userNameIsSaslNameEscaped() {
        ScramSession session = new ScramSession(HOST, PLAIN, bytes("pw"), null, 4096, 4096, "a=b,c", NONCE);
        assertThat(new String(session.clientFirstMessage(), StandardCharsets.UTF_8)).isEqualTo("n,,n=a=3Db=2Cc,r=" + NONCE);
    }

    @Test
    void channelBoundExchangeSendsGs2HeaderAndCertificateHashInC() throws Exception {
        byte[] certHash = new byte[32];
        for (int i = 0; i < certHash.length; i++) {
            certHash[i] = (byte) i;
        }
        ScramSelection plus = new ScramSelection(ScramSelection.SCRAM_SHA_256_PLUS, "p=tls-server-end-point,,", certHash);
        ScramSession session = new ScramSession(HOST, plus, bytes("secret"), new SaltedPasswordCache(), 4096, 4096);
        ScramTestServer server = new ScramTestServer("secret", bytes("0123456789abcdef"), 4096, "srv");
        byte[] serverFirst = server.serverFirst(session.clientFirstMessage(), "p=tls-server-end-point,,");
        byte[] clientFinal = session.clientFinalMessage(serverFirst);

        String expectedC = "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,";
        assertThat(new String(clientFinal, StandardCharsets.US_ASCII)).startsWith(expectedC);
        byte[] cbindInput = Base64.getDecoder().decode(expectedC.substring(2, expectedC.length() - 1));
        assertThat(new String(cbindInput, 0, 24, StandardCharsets.US_ASCII)).isEqualTo("p=tls-server-end-point,,");
        session.verifyServerFinal(server.serverFinal(clientFinal, cbindInput));
        assertThat(session.isVerified()).isTrue();
    }

    @Test
    void yHeaderIsBoundIntoC() throws Exception {
        ScramSelection y = new ScramSelection(ScramSelection.SCRAM_SHA_256, "y,,", null);
        ScramSession session = new ScramSession(HOST, y, bytes("secret"), null, 4096, 4096);
        ScramTestServer server = new ScramTestServer("secret", bytes("salt"), 4096, "x");
        byte[] clientFinal = session.clientFinalMessage(server.serverFirst(session.clientFirstMessage(), "y,,"));
        assertThat(new String(clientFinal, StandardCharsets.US_ASCII)).startsWith("c=eSws,");
        session.verifyServerFinal(server.serverFinal(clientFinal, bytes("y,,")));
        assertThat(session.isVerified()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "r=" + NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",           // equal, server added nothing
            "r=XXXXNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", // not prefixed
            "r=rOprNG,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"})                 // shorter
    void serverNonceMustExtendClientNonce(String serverFirst) {
        assertThatThrownBy(() -> started().clientFinalMessage(bytes(serverFirst)))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("nonce");
    }

    @ParameterizedTest
    @CsvSource({"1, minScramIterations=4096, set minScramIterations=1 or lower",
            "4095, minScramIterations=4096, set minScramIterations=4095 or lower",
            "1000000000, maxScramIterations=10000000, set maxScramIterations=1000000000 or higher",
            "99999999999999999999, maxScramIterations=10000000, above"})
    void iterationsOutsideBoundsAreRefusedNamingTheCountAndTheSetting(String iterations, String bound, String wayOut) {
        String serverFirst = "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + iterations;
        assertThatThrownBy(() -> started().clientFinalMessage(bytes(serverFirst)))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining(iterations)
                .hasMessageContaining(bound)
                .hasMessageContaining(wayOut)
                .extracting(e -> ((PgAuthenticationException) e).host()).isEqualTo(HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=abc",
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096",
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=",
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==",              // i missing
            "r=" + SERVER_NONCE + ",s=not*base64!,i=4096",
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ=,i=4096",         // bad padding
            "r=" + SERVER_NONCE + ",s=,i=4096",                               // empty salt
            "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=" + SERVER_NONCE + ",i=4096",       // wrong order
            "r=" + SERVER_NONCE + ",i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",       // wrong order
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=ext", // trailing extension
            "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,",      // trailing comma
            "r" + SERVER_NONCE,                                               // no '='
            "",
            "r=" + SERVER_NONCE + " ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"})     // non-printable byte
    void malformedServerFirstIsAProtocolError(String serverFirst) {
        assertThatThrownBy(() -> started().clientFinalMessage(bytes(serverFirst)))
                .isInstanceOf(PgProtocolException.class)
                .hasMessageStartingWith("malformed SCRAM message");
    }

    @Test
    void mandatoryExtensionIsRefused() {
        assertThatThrownBy(() -> started().clientFinalMessage(bytes("m=ext," + SERVER_FIRST)))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("m=");
    }

    @Test
    void wrongServerSignatureIsRefused() {
        ScramSession session = started();
        session.clientFinalMessage(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> session.verifyServerFinal(bytes("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("server signature does not match");
        assertThat(session.isVerified()).isFalse();
    }

    @Test
    void serverErrorIsReported() {
        ScramSession session = started();
        session.clientFinalMessage(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> session.verifyServerFinal(bytes("e=invalid-proof")))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessage("server " + HOST + " reported SCRAM error: \"invalid-proof\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x=1", "v=", "v=***", SERVER_FINAL + ",x=ext"})
    void malformedServerFinalIsAProtocolError(String serverFinal) {
        ScramSession session = started();
        session.clientFinalMessage(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> session.verifyServerFinal(bytes(serverFinal))).isInstanceOf(PgProtocolException.class);
        assertThat(session.isVerified()).isFalse();
    }

    @Test
    void serverFirstBeforeClientFirstIsOutOfOrder() {
        assertThatThrownBy(() -> rfcSession().clientFinalMessage(bytes(SERVER_FIRST)))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("unexpected SCRAM step");
    }

    @Test
    void serverFinalBeforeServerFirstIsOutOfOrder() {
        assertThatThrownBy(() -> started().verifyServerFinal(bytes(SERVER_FINAL)))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("unexpected SCRAM step");
    }

    @Test
    void secondClientFirstOrServerFirstIsOutOfOrder() {
        ScramSession session = started();
        assertThatThrownBy(session::clientFirstMessage).isInstanceOf(PgProtocolException.class);
        ScramSession other = started();
        other.clientFinalMessage(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> other.clientFinalMessage(bytes(SERVER_FIRST))).isInstanceOf(PgProtocolException.class);
    }

    @Test
    void verifyingTwiceIsOutOfOrder() {
        ScramSession session = started();
        session.clientFinalMessage(bytes(SERVER_FIRST));
        session.verifyServerFinal(bytes(SERVER_FINAL));
        assertThatThrownBy(() -> session.verifyServerFinal(bytes(SERVER_FINAL))).isInstanceOf(PgProtocolException.class);
        assertThat(session.isVerified()).isFalse();
    }

    @Test
    void afterAFailureEveryCallFails() {
        ScramSession session = started();
        assertThatThrownBy(() -> session.clientFinalMessage(bytes("r=bogus,s=AA==,i=4096")))
                .isInstanceOf(PgAuthenticationException.class);
        assertThatThrownBy(() -> session.verifyServerFinal(bytes(SERVER_FINAL))).isInstanceOf(PgProtocolException.class);
    }

    @Test
    void passwordCopyIsZeroedAndCallerArrayUntouched() throws Exception {
        byte[] password = bytes("pencil");
        ScramSession session = new ScramSession(HOST, PLAIN, password, null, 4096, 4096, "user", NONCE);
        session.clientFirstMessage();
        session.clientFinalMessage(bytes(SERVER_FIRST));
        var field = ScramSession.class.getDeclaredField("password");
        field.setAccessible(true);
        assertThat((byte[]) field.get(session)).containsOnly(0);
        assertThat(password).isEqualTo(bytes("pencil"));
    }

    @Test
    void secretsDoNotAppearInToStringOrMessages() {
        ScramSession session = started();
        assertThat(session.toString()).doesNotContain("pencil").contains(HOST);
        assertThatThrownBy(() -> session.clientFinalMessage(bytes("r=" + SERVER_NONCE + ",s=AA==,i=1")))
                .message().doesNotContain("pencil");
    }

    @Test
    void invalidBoundsAreRejected() {
        assertThatThrownBy(() -> new ScramSession(HOST, PLAIN, bytes("pw"), null, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScramSession(HOST, PLAIN, bytes("pw"), null, 5000, 4096))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
