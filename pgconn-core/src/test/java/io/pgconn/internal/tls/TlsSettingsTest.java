package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;

import java.nio.file.Path;

class TlsSettingsTest {

    static TlsSettings settings(SslMode mode, SslNegotiation negotiation, String rootCert, String min, String max) {
        return new TlsSettings(mode, negotiation, rootCert, null, null, null, true, min, max, null);
    }

    @Test
    void nullsMeanLibpqDefaults() {
        TlsSettings s = settings(SslMode.PREFER, null, null, null, null);
        assertThat(s.negotiation()).isEqualTo(SslNegotiation.POSTGRES);
        assertThat(s.minProtocol()).isEqualTo("TLSv1.2");
        assertThat(s.maxProtocol()).isNull();
        assertThat(s.provider()).isEqualTo(SslProviderKind.AUTO);
        assertThat(s.enabledProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void protocolRangeIsInclusiveAndCaseInsensitive() {
        assertThat(settings(SslMode.REQUIRE, null, null, "tlsv1.3", null).enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(settings(SslMode.REQUIRE, null, null, "TLSv1.2", "TLSv1.2").enabledProtocols()).containsExactly("TLSv1.2");
        assertThat(settings(SslMode.REQUIRE, null, null, "TLSv1", "TLSv1.2").enabledProtocols())
                .containsExactly("TLSv1", "TLSv1.1", "TLSv1.2");
    }

    @Test
    void invalidProtocolSettingsAreConfigErrors() {
        assertThatThrownBy(() -> settings(SslMode.REQUIRE, null, null, "TLSv1.3", "TLSv1.2"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("range");
        assertThatThrownBy(() -> settings(SslMode.REQUIRE, null, null, "SSLv3", null))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("ssl_min_protocol_version").hasMessageContaining("SSLv3");
        assertThatThrownBy(() -> settings(SslMode.REQUIRE, null, null, null, "TLSv9"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("ssl_max_protocol_version");
    }

    @Test
    void directNegotiationNeedsATlsOnlyMode() {
        assertThatThrownBy(() -> settings(SslMode.PREFER, SslNegotiation.DIRECT, null, null, null))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslnegotiation=direct");
        assertThat(settings(SslMode.REQUIRE, SslNegotiation.DIRECT, null, null, null).negotiation())
                .isEqualTo(SslNegotiation.DIRECT);
    }

    @Test
    void systemRootCertNeedsVerifyFull() {
        assertThatThrownBy(() -> settings(SslMode.VERIFY_CA, null, "system", null, null))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslrootcert=system");
        TlsSettings s = settings(SslMode.VERIFY_FULL, null, "system", null, null);
        assertThat(s.usesSystemTrust()).isTrue();
        assertThat(s.verifiesChain()).isTrue();
    }

    @Test
    void requireVerifiesTheChainOnlyWithARootCert(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("root.crt"), "pem");
        assertThat(settings(SslMode.REQUIRE, null, null, null, null).verifiesChain()).isFalse();
        assertThat(settings(SslMode.REQUIRE, null, ca.toString(), null, null).verifiesChain()).isTrue();
    }

    /** libpq stat()s the root file: present → every TLS mode verifies the chain; absent → only the verify modes insist. */
    @ParameterizedTest(name = "sslmode={0}: verifies with a root file {1}, without {2}")
    @CsvSource({"allow, true, false", "prefer, true, false", "require, true, false", "verify-ca, true, true", "verify-full, true, true"})
    void aRootCertFileThatExistsMakesEveryTlsModeVerifyTheChain(String mode, boolean withFile, boolean withoutFile,
                                                                 @TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("root.crt"), "pem");
        SslMode sslMode = SslMode.parse(mode);
        assertThat(settings(sslMode, null, ca.toString(), null, null).verifiesChain()).isEqualTo(withFile);
        assertThat(settings(sslMode, null, dir.resolve("absent.crt").toString(), null, null).verifiesChain()).isEqualTo(withoutFile);
    }

    @Test
    void isAValueWhoseToStringHidesThePassword() {
        TlsSettings a = new TlsSettings(SslMode.VERIFY_FULL, null, "/ca.pem", Path.of("/c.pem"), Path.of("/k.pem"),
                "s3cret", true, null, null, null);
        TlsSettings b = new TlsSettings(SslMode.VERIFY_FULL, SslNegotiation.POSTGRES, "/ca.pem", Path.of("/c.pem"),
                Path.of("/k.pem"), "s3cret", true, "TLSv1.2", "", SslProviderKind.AUTO);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).doesNotContain("s3cret").contains("keyPassword=***").contains("/k.pem");
    }
}
