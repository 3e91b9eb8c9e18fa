package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgProtocolException;
import io.pgconn.ProtocolVersion;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NegotiateProtocolVersion and BackendKeyData variants (docs/testing.md §2, docs/lifecycle.md §1.3, libpq 18
 * rules): at most one negotiation, only to a lower supported minor, no options we never asked
 * for, and cancel keys whose length fits the negotiated protocol.
 */
class HostileProtocolVersionIT {

    private static final String V30 = "sslmode=disable";
    private static final String V32 = "sslmode=disable max_protocol_version=3.2";

    private static void refused(ScriptedServer.Script script, String options, String... fragments) {
        try (ScriptedServer server = ScriptedServer.start(script)) {
            Refusal.expect(server, options, PgProtocolException.class, fragments);
        }
    }

    /** The control case: a 3.0 server answering a 3.2 request is accepted, and 3.2 keys up to 256 bytes are. */
    @Test
    void downgradeTo30IsAccepted() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(0), Backend.trustLogin());
        }); HostileClient client = new HostileClient(server, V32)) {
            PgConnection connection = client.connect();
            assertThat(connection.protocolVersion()).isEqualTo(ProtocolVersion.V3_0);
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(java.time.Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void negotiationTwiceIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(0), Backend.negotiateProtocolVersion(0));
        }, V32, "NegotiateProtocolVersion twice");
    }

    @Test
    void higherVersionThanRequestedIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(2));
        }, V30, "offered protocol 3.2", "not below the requested 3.0");
    }

    @Test
    void sameVersionAsRequestedIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(2));
        }, V32, "not below the requested 3.2");
    }

    @Test
    void version31IsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(1));
        }, V32, "3.1");
    }

    @Test
    void versionBelowTheMinimumIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(0));
        }, V32 + " min_protocol_version=3.2", "below min_protocol_version=3.2");
    }

    @Test
    void anotherMajorVersionIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('v', ByteBuffer.allocate(8).putInt(2 << 16).putInt(0).array()));
        }, V32, "expected major version 3");
    }

    @Test
    void negativeOptionCountIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('v', ByteBuffer.allocate(8).putInt(3 << 16).putInt(-1).array()));
        }, V32, "malformed NegotiateProtocolVersion", "negative option count");
    }

    @Test
    void optionCountBeyondTheBodyIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.message('v', ByteBuffer.allocate(8).putInt(3 << 16).putInt(1_000_000).array()));
        }, V32, "malformed NegotiateProtocolVersion", "does not fit");
    }

    @Test
    void unknownOptionIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(0, "_pq_.never_requested"));
        }, V32, "unrecognized protocol options", "_pq_.never_requested");
    }

    @Test
    void negotiationAfterAuthenticationBeganIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.send(Backend.negotiateProtocolVersion(0));
        }, V32, "NegotiateProtocolVersion after authentication began");
    }

    @Test
    void emptyCancelKeyIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.backendKeyData(1, new byte[0]));
        }, V32, "malformed BackendKeyData", "secret key of 0 bytes");
    }

    @Test
    void cancelKeyOf300BytesIsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.backendKeyData(1, new byte[300]));
        }, V32, "malformed BackendKeyData", "secret key of 300 bytes");
    }

    @Test
    void longCancelKeyUnderProtocol30IsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationOk(), Backend.backendKeyData(1, new byte[32]));
        }, V30, "cancel key of 32 bytes", "protocol 3.0");
    }

    @Test
    void longCancelKeyAfterDowngradeTo30IsRefused() {
        refused(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.negotiateProtocolVersion(0), Backend.authenticationOk(), Backend.backendKeyData(1, new byte[32]));
        }, V32, "cancel key of 32 bytes", "protocol 3.0");
    }

    @Test
    void a256ByteKeyUnderProtocol32IsAccepted() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            Conversation.StartupPacket startup = c.readStartupRefusingTls();
            assertThat(startup.code()).isEqualTo(3 << 16 | 2);
            c.send(Backend.authenticationOk(), Backend.backendKeyData(7, new byte[256]), Backend.readyForQuery());
        }); HostileClient client = new HostileClient(server, V32)) {
            PgConnection connection = client.connect();
            assertThat(connection.processId()).isEqualTo(7);
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(java.time.Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }
}
