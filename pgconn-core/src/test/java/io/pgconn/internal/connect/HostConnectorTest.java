package io.pgconn.internal.connect;

import io.pgconn.config.SslMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** libpq's order of encryption attempts per sslmode (docs/lifecycle.md §1.2). */
class HostConnectorTest {

    @Test
    void attemptsPerSslMode() {
        assertThat(HostConnector.encryptionPlan(SslMode.DISABLE, false)).isEqualTo(List.of(false));
        assertThat(HostConnector.encryptionPlan(SslMode.ALLOW, false)).isEqualTo(List.of(false, true));
        assertThat(HostConnector.encryptionPlan(SslMode.PREFER, false)).isEqualTo(List.of(true, false));
        assertThat(HostConnector.encryptionPlan(SslMode.REQUIRE, false)).isEqualTo(List.of(true));
        assertThat(HostConnector.encryptionPlan(SslMode.VERIFY_CA, false)).isEqualTo(List.of(true));
        assertThat(HostConnector.encryptionPlan(SslMode.VERIFY_FULL, false)).isEqualTo(List.of(true));
    }

    @Test
    void unixSocketsNeverUseTls() {
        for (SslMode mode : List.of(SslMode.DISABLE, SslMode.ALLOW, SslMode.PREFER)) {
            assertThat(HostConnector.encryptionPlan(mode, true)).isEqualTo(List.of(false));
        }
    }

    @Test
    void sslModePolicy() {
        assertThat(SslMode.REQUIRE.verifiesChain(false)).isFalse();
        assertThat(SslMode.REQUIRE.verifiesChain(true)).isTrue();
        assertThat(SslMode.VERIFY_CA.verifiesHost()).isFalse();
        assertThat(SslMode.VERIFY_FULL.verifiesHost()).isTrue();
        assertThat(SslMode.PREFER.acceptsPlaintextAfterRefusal()).isTrue();
        assertThat(SslMode.ALLOW.acceptsPlaintextAfterRefusal()).isFalse();
    }
}
