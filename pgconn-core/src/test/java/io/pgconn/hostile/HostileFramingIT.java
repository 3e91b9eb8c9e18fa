package io.pgconn.hostile;

import io.pgconn.PgConnectException;
import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

/**
 * Broken framing (docs/testing.md §2, docs/lifecycle.md §1.3): lengths below 4, over the pre-authentication
 * cap or {@code maxMessageSize}, messages cut short by EOF, unknown types and malformed bodies. The
 * length is judged before anything is allocated for the body.
 */
class HostileFramingIT {

    private static final String PLAIN = "sslmode=disable";

    private static void refused(ScriptedServer.Script script, String options, Class<? extends io.pgconn.PgException> type,
                                String... fragments) {
        try (ScriptedServer server = ScriptedServer.start(script)) {
            Refusal.expect(server, options, type, fragments);
        }
    }

    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(ints = {0, 3, -1, Integer.MIN_VALUE})
    void lengthBelowFourIsRefused(int length) {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.rawMessage('R', length, new byte[]{0, 0, 0, 0}));
        }, PLAIN, PgProtocolException.class, "invalid length " + length, "at least 4");
    }

    @Test
    void lengthOverThePreAuthenticationCapIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.rawMessage('R', 1 << 20, new byte[]{0, 0, 0, 0}));
        }, PLAIN + " preAuthMaxMessageSize=64kB", PgProtocolException.class, "declares length 1048576", "before authentication");
    }

    @Test
    void hugeLengthBeforeAuthenticationIsRefusedUnderTheDefaultCap() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.rawMessage('E', Integer.MAX_VALUE, new byte[0]));
        }, PLAIN, PgProtocolException.class, "declares length " + Integer.MAX_VALUE, "over the limit");
    }

    @Test
    void lengthOverMaxMessageSizeAfterAuthenticationIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.rawMessage('S', 200_000, new byte[]{'a', 0}));
        }, PLAIN + " maxMessageSize=128kB", PgProtocolException.class, "declares length 200000", "over the limit of 131072");
    }

    @Test
    void truncatedMessageThenEofIsReported() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.rawMessage('S', 100, "server_ver".getBytes()));
            c.close();
        }, PLAIN, PgConnectException.class, "closed the connection unexpectedly during startup");
    }

    @Test
    void truncatedHeaderThenEofIsReported() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(new byte[]{'R', 0, 0});
            c.close();
        }, PLAIN, PgConnectException.class, "closed the connection unexpectedly during startup");
    }

    @Test
    void unknownMessageTypeIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('q', new byte[]{1, 2, 3}));
        }, PLAIN, PgProtocolException.class, "unknown message type 'q'");
    }

    @Test
    void unprintableMessageTypeIsShownInHex() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message((char) 0x07, new byte[0]));
        }, PLAIN, PgProtocolException.class, "unknown message type 0x07");
    }

    @Test
    void authenticationRequestWithoutCodeIsMalformed() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('R', new byte[]{0, 0}));
        }, PLAIN, PgProtocolException.class, "malformed Authentication request", "body too short");
    }

    @Test
    void trailingBytesAfterAuthenticationOkAreRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authentication(0, new byte[]{9, 9}));
        }, PLAIN, PgProtocolException.class, "2 trailing bytes");
    }

    @Test
    void parameterStatusWithoutTerminatorIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.message('S', "server_version".getBytes()));
        }, PLAIN, PgProtocolException.class, "malformed ParameterStatus", "not NUL-terminated");
    }

    @Test
    void readyForQueryWithUnknownStatusIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.message('Z', new byte[]{'X'}));
        }, PLAIN, PgProtocolException.class, "malformed ReadyForQuery");
    }

    @Test
    void errorResponseWithoutTerminatorIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('E', new byte[]{'S', 'F', 'A', 'T', 'A', 'L', 0}));
        }, PLAIN, PgProtocolException.class, "malformed ErrorResponse", "not terminated");
    }

    @Test
    void saslMechanismListWithoutTerminatorIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authentication(10, "SCRAM-SHA-256".getBytes()));
        }, PLAIN, PgProtocolException.class, "malformed");
    }

    @Test
    void garbageAfterAValidMessageInTheSamePacketIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            byte[] ok = Backend.authenticationOk();
            c.send(ByteBuffer.allocate(ok.length + 5).put(ok).put((byte) 'S').putInt(2).array());
        }, PLAIN, PgProtocolException.class, "invalid length 2");
    }

    /**
     * New user 19's F5: an HTTP server at the port answers the SSLRequest (or, without TLS, the startup message) with
     * "HTTP/1.1 400 ...": the failure says what that is, not only "received byte 0x48" (seen failing before: no "HTTP/").
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sslmode=prefer", "sslmode=disable"})
    void anHttpServersAnswerIsNamedAsOne(String options) {
        refused(c -> {
            c.readStartupPacket(); // the SSLRequest, or the startup message
            c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            c.awaitClientClose();
        }, options, PgProtocolException.class, "'H'", "it begins \"HTTP/\": an HTTP server answers at that port, not PostgreSQL");
    }
}
