package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgTlsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers that lie during startup (testing spec §2): each case ends in a specific exception naming
 * the host and what was wrong, within the time budget, with nothing left open.
 */
class HostileStartupIT {

    @Test
    void bytesAfterTheSslResponseAreRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupPacket();
            c.send(new byte[]{'S', 'X', 'Y'}); // CVE-2021-23222: unencrypted bytes after 'S'
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, "sslmode=require")) {
            Throwable failure = client.connectFailure();
            assertThat(failure).isInstanceOf(PgTlsException.class).hasMessageContaining("unencrypted");
            assertThat(failure.getMessage()).contains(server.label());
            assertThat(client.factory().openConnections()).isZero();
        }
    }

    @Test
    void authenticationOkBeforeSaslFinalIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
            String nonce = ScramServerSide.clientNonce(c.readMessage());
            c.send(Backend.saslContinue(ScramServerSide.serverFirst(nonce + "server", 4096)));
            c.readMessage(); // client-final
            c.send(Backend.trustLogin()); // skips SASLFinal: the server never proved it knows the password
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, "sslmode=disable")) {
            Throwable failure = client.connectFailure();
            assertThat(failure).isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("AuthenticationOk").hasMessageContaining(server.label());
        }
    }

    @Test
    void serverNonceNotExtendingTheClientNonceIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
            c.readMessage();
            c.send(Backend.saslContinue(ScramServerSide.serverFirst("someoneElsesNonce", 4096)));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, "sslmode=disable")) {
            Throwable failure = client.connectFailure();
            assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("nonce");
        }
    }

    @Test
    void iterationCountBelowTheMinimumIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
            String nonce = ScramServerSide.clientNonce(c.readMessage());
            c.send(Backend.saslContinue(ScramServerSide.serverFirst(nonce + "srv", 1)));
            c.awaitClientClose();
        }); HostileClient client = new HostileClient(server, "sslmode=disable")) {
            Throwable failure = client.connectFailure();
            assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("4096");
        }
    }
}
