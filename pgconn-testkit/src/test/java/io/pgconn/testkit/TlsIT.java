package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS: server verification (trusted, untrusted CA, wrong host) and client certificates, with pgjdbc. */
class TlsIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("tls")
            .tls()
            .user(PgUser.scram("alice", "alice-pw").allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
            .user(PgUser.named("certuser").allow(ConnectionType.HOSTSSL, AuthMethod.CERT))
            .build();

    private static Properties verifyFull(Path rootCert) {
        return Jdbc.props("alice", "alice-pw", "sslmode", "verify-full", "sslrootcert", rootCert.toString());
    }

    @Test
    void verifyFullSucceedsWithTheTestCa() throws Exception {
        PgServer pg = PG.primary();
        try (Connection c = Jdbc.connect(pg, verifyFull(PG.tls().caCertificate()))) {
            assertThat(Jdbc.value(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("t");
        }
        // the IP SAN too
        try (Connection c = Jdbc.connect(pg.address(), pg, verifyFull(PG.tls().caCertificate()))) {
            assertThat(Jdbc.value(c, "SELECT current_user")).isEqualTo("alice");
        }
    }

    @Test
    void verifyFullFailsWithTheUntrustedCaAsRoot() {
        assertThatThrownBy(() -> Jdbc.connect(PG.primary(), verifyFull(PG.tls().untrustedCaCertificate())).close())
                .isInstanceOf(SQLException.class)
                .hasStackTraceContaining("SSL");
    }

    @Test
    void verifyFullFailsWhenTheServerPresentsTheWrongHostCertificate() throws Exception {
        PgServer pg = PG.primary();
        pg.useServerCertificate(ServerCertificate.WRONG_HOST);
        try {
            assertThatThrownBy(() -> Jdbc.connect(pg, verifyFull(PG.tls().caCertificate())).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("hostname");
            // the chain is valid: verify-ca passes, so it is the host name that failed above
            Properties verifyCa = Jdbc.props("alice", "alice-pw", "sslmode", "verify-ca",
                    "sslrootcert", PG.tls().caCertificate().toString());
            assertThat(Jdbc.value(pg, verifyCa, "SELECT 1")).isEqualTo("1");
        } finally {
            pg.useServerCertificate(ServerCertificate.TRUSTED);
        }
        assertThat(Jdbc.value(pg, verifyFull(PG.tls().caCertificate()), "SELECT 1")).isEqualTo("1");
    }

    @Test
    void serverCertificateFromTheUntrustedCaFailsVerification() throws Exception {
        PgServer pg = PG.primary();
        pg.useServerCertificate(ServerCertificate.UNTRUSTED_CA);
        try {
            assertThat(pg.serverCertificate()).isEqualTo(ServerCertificate.UNTRUSTED_CA);
            assertThatThrownBy(() -> Jdbc.connect(pg, verifyFull(PG.tls().caCertificate())).close())
                    .isInstanceOf(SQLException.class);
            assertThat(Jdbc.value(pg, verifyFull(PG.tls().untrustedCaCertificate()), "SELECT 1")).isEqualTo("1");
        } finally {
            pg.useServerCertificate(ServerCertificate.TRUSTED);
        }
    }

    @Test
    void clientCertificateAuthenticatesTheUser() throws Exception {
        ClientCertificate cert = PG.tls().clientCertificate("certuser");
        for (Path key : List.of(cert.keyPkcs8Der(), cert.keyPkcs8Pem())) {
            Properties p = Jdbc.props("certuser", null, "sslmode", "verify-full",
                    "sslrootcert", PG.tls().caCertificate().toString(),
                    "sslcert", cert.certificate().toString(), "sslkey", key.toString());
            try (Connection c = Jdbc.connect(PG.primary(), p)) {
                assertThat(Jdbc.value(c, "SELECT current_user")).isEqualTo("certuser");
                assertThat(Jdbc.value(c, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                        .isEqualTo("/CN=certuser");
            }
        }
    }

    @Test
    void certRuleRefusesMissingOrUntrustedOrForeignCertificates() {
        PgTls tls = PG.tls();
        Properties none = Jdbc.props("certuser", null, "sslmode", "require",
                "sslcert", "/nonexistent.crt", "sslkey", "/nonexistent.pk8");
        assertThatThrownBy(() -> Jdbc.connect(PG.primary(), none).close()).isInstanceOf(SQLException.class);

        ClientCertificate untrusted = tls.untrustedClientCertificate("certuser");
        Properties bad = Jdbc.props("certuser", null, "sslmode", "require",
                "sslcert", untrusted.certificate().toString(), "sslkey", untrusted.keyPkcs8Der().toString());
        assertThatThrownBy(() -> Jdbc.connect(PG.primary(), bad).close()).isInstanceOf(SQLException.class);

        ClientCertificate alices = tls.clientCertificate("alice");
        Properties foreign = Jdbc.props("certuser", null, "sslmode", "require",
                "sslcert", alices.certificate().toString(), "sslkey", alices.keyPkcs8Der().toString());
        assertThatThrownBy(() -> Jdbc.connect(PG.primary(), foreign).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void clientKeyFilesHoldTheSameKeyInEveryFormat() throws Exception {
        ClientCertificate cert = PG.tls().clientCertificate("certuser");
        byte[] der = Files.readAllBytes(cert.keyPkcs8Der());
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();

        assertThat(Files.readString(cert.keyPkcs8Pem())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(converter.getPrivateKey((PrivateKeyInfo) parse(cert.keyPkcs8Pem())).getEncoded()).isEqualTo(der);

        assertThat(Files.readString(cert.keyPkcs1Pem())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        PrivateKey pkcs1 = converter.getKeyPair((PEMKeyPair) parse(cert.keyPkcs1Pem())).getPrivate();
        assertThat(pkcs1.getEncoded()).isEqualTo(der);

        Path encrypted = cert.keyPkcs8EncryptedPem("open sesame");
        assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        PKCS8EncryptedPrivateKeyInfo info = (PKCS8EncryptedPrivateKeyInfo) parse(encrypted);
        PrivateKeyInfo decrypted = info.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                .setProvider(PgTls.BC).build("open sesame".toCharArray()));
        assertThat(converter.getPrivateKey(decrypted).getEncoded()).isEqualTo(der);
        assertThatThrownBy(() -> info.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                .setProvider(PgTls.BC).build("wrong".toCharArray()))).isInstanceOf(Exception.class);
        assertThat(cert.keyPkcs8EncryptedPem("open sesame")).isEqualTo(encrypted);

        for (Path key : List.of(cert.keyPkcs8Der(), cert.keyPkcs8Pem(), cert.keyPkcs1Pem(), encrypted)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        X509Certificate x509 = certificate(cert.certificate());
        assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=certuser");
        x509.verify(certificate(PG.tls().caCertificate()).getPublicKey());
    }

    @Test
    void serverCertificatesNameTheRightHostsAndServerKeysBelongToTheServer() throws Exception {
        PgTls tls = PG.tls();
        X509Certificate trusted = certificate(tls.serverCertificate(ServerCertificate.TRUSTED));
        assertThat(trusted.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("localhost", "127.0.0.1");
        trusted.verify(certificate(tls.caCertificate()).getPublicKey());
        X509Certificate wrong = certificate(tls.serverCertificate(ServerCertificate.WRONG_HOST));
        assertThat(wrong.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .containsExactly("wrong.example");
        certificate(tls.serverCertificate(ServerCertificate.UNTRUSTED_CA))
                .verify(certificate(tls.untrustedCaCertificate()).getPublicKey());

        Path serverKey = PG.primary().directory().resolve("tls")
                .resolve(tls.serverKey(ServerCertificate.TRUSTED).getFileName());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(serverKey))).isEqualTo("rw-------");
        if (Os.isRoot()) {
            assertThat(Files.getOwner(serverKey).getName()).isEqualTo(Os.SERVER_ACCOUNT);
        }
        assertThat(PG.primary().queryValue("SHOW ssl")).isEqualTo("on");
    }

    private static Object parse(Path pem) throws Exception {
        try (Reader r = Files.newBufferedReader(pem); PEMParser p = new PEMParser(r)) {
            return p.readObject();
        }
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }
}
