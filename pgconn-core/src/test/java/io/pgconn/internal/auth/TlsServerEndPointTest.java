package io.pgconn.internal.auth;

import io.pgconn.PgAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsServerEndPointTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "MD5withRSA,            SHA-256",
            "SHA1withRSA,           SHA-256",
            "SHA1withECDSA,         SHA-256",
            "SHA224withRSA,         SHA-224",
            "SHA256withRSA,         SHA-256",
            "SHA384withECDSA,       SHA-384",
            "SHA512withRSA,         SHA-512",
            "SHA512withECDSA,       SHA-512",
            "SHA384withRSAandMGF1,  SHA-384",
            "SHA512withRSAandMGF1,  SHA-512",
            "SHA1withRSAandMGF1,    SHA-256",
            "SHA3-256withECDSA,     SHA3-256"})
    void hashesWithTheSignatureHashFloorSha256(String signatureAlgorithm, String expectedDigest) throws Exception {
        byte[] der = TestCertificates.selfSigned(signatureAlgorithm);
        assertThat(TlsServerEndPoint.hash(der)).isEqualTo(MessageDigest.getInstance(expectedDigest).digest(der));
    }

    @ParameterizedTest
    @CsvSource({"Ed25519", "Ed448"})
    void eddsaHasNoDefinedBinding(String algorithm) {
        byte[] der = TestCertificates.selfSigned(algorithm);
        assertThatThrownBy(() -> TlsServerEndPoint.hash("db1:5432", der))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining(algorithm)
                .hasMessageContaining("RFC 5929")
                .extracting(e -> ((PgAuthenticationException) e).host()).isEqualTo("db1:5432");
    }

    @Test
    void garbageIsAnAuthenticationFailure() {
        assertThatThrownBy(() -> TlsServerEndPoint.hash(new byte[] {1, 2, 3}))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("cannot parse the server certificate");
    }
}
