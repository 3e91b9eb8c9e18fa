package io.pgconn.internal.tls;

import io.pgconn.config.SslMode;
import io.pgconn.config.SslProviderKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.PgConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.math.BigInteger;
import java.security.KeyPair;
import java.util.Arrays;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import javax.net.ssl.SSLEngine;

class SslContextFactoryTest {

    private static final String PASSWORD = "correct horse";
    private static TestPki.Issued ca;
    private static TestPki.Issued rsaClient;
    private static TestPki.Issued ecClient;

    @TempDir
    Path dir;

    private final SslContextFactory factory = new SslContextFactory();

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("client CA");
        KeyPair rsa = TestPki.rsaKeys();
        rsaClient = TestPki.leaf(ca, "CN=alice", rsa);
        ecClient = TestPki.leaf(ca, "CN=bob");
    }

    private TlsSettings withClientKey(String keyPem, TestPki.Issued client, String password) throws IOException {
        Path cert = TestPki.write(dir.resolve("client.crt"), TestPki.certificatesPem(client.certificate()));
        Path key = TestPki.write(dir.resolve("client.key"), keyPem);
        return new TlsSettings(SslMode.REQUIRE, null, null, cert, key, password, true, null, null, null);
    }

    @Test
    void loadsPkcs8Key() throws IOException {
        assertUsesClientKey(withClientKey(TestPki.pkcs8Pem(rsaClient.key()), rsaClient, null), rsaClient.key());
        assertUsesClientKey(withClientKey(TestPki.pkcs8Pem(ecClient.key()), ecClient, null), ecClient.key());
    }

    @Test
    void loadsPkcs1RsaKeyWithoutBouncyCastle() throws IOException {
        String pem = TestPki.traditionalPem(rsaClient.key());
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertUsesClientKey(withClientKey(pem, rsaClient, null), rsaClient.key());
    }

    @Test
    void loadsSec1EcKey() throws IOException {
        String pem = TestPki.traditionalPem(ecClient.key());
        assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertUsesClientKey(withClientKey(pem, ecClient, null), ecClient.key());
    }

    @Test
    void loadsEncryptedPkcs8KeyWithPassword() throws IOException {
        String pem = TestPki.encryptedPkcs8Pem(rsaClient.key(), PASSWORD);
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertUsesClientKey(withClientKey(pem, rsaClient, PASSWORD), rsaClient.key());
    }

    /** OpenSSL's pre-PKCS#8 encryption (openssl rsa -aes256 / -des3 -traditional), which libpq reads with sslpassword. */
    @ParameterizedTest(name = "legacy {0} with {1}")
    @CsvSource({"rsa, AES-128-CBC", "rsa, AES-192-CBC", "rsa, AES-256-CBC", "rsa, DES-EDE3-CBC",
            "ec, AES-256-CBC", "ec, DES-EDE3-CBC"})
    void loadsLegacyEncryptedTraditionalKeys(String kind, String cipher) throws IOException {
        TestPki.Issued client = kind.equals("rsa") ? rsaClient : ecClient;
        String pem = TestPki.legacyEncryptedPem(client.key(), cipher, PASSWORD);
        assertThat(pem).contains("Proc-Type: 4,ENCRYPTED").contains("DEK-Info: " + cipher + ",");
        assertUsesClientKey(withClientKey(pem, client, PASSWORD), client.key());
    }

    @Test
    void legacyEncryptedKeyWithAWrongOrMissingPasswordNamesTheFileNotThePassword() throws IOException {
        TlsSettings wrong = withClientKey(TestPki.legacyEncryptedPem(rsaClient.key(), "AES-256-CBC", PASSWORD), rsaClient,
                "not-the-pass");
        assertThatThrownBy(() -> factory.create(wrong, "db:5432"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("wrong sslpassword")
                .hasMessageContaining(wrong.key().toString())
                .hasMessageNotContaining("not-the-pass");
        TlsSettings missing = withClientKey(TestPki.legacyEncryptedPem(rsaClient.key(), "DES-EDE3-CBC", PASSWORD), rsaClient, null);
        assertThatThrownBy(() -> factory.create(missing, "db:5432"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("no sslpassword").hasMessageContaining(missing.key().toString());
    }

    /** The context builds, and the key it was built from is the client's own (same private value as generated). */
    private void assertUsesClientKey(TlsSettings settings, PrivateKey original) {
        assertThatCode(() -> factory.create(settings, "h:1")).doesNotThrowAnyException();
        PrivateKey loaded = PrivateKeys.load(settings.key(), settings.keyPassword(), "h:1");
        assertThat(privateValue(loaded)).isEqualTo(privateValue(original));
    }

    private static BigInteger privateValue(PrivateKey key) {
        return key instanceof RSAPrivateKey rsa ? rsa.getPrivateExponent() : ((ECPrivateKey) key).getS();
    }

    @Test
    void wrongPasswordIsAClearError() throws IOException {
        TlsSettings settings = withClientKey(TestPki.encryptedPkcs8Pem(ecClient.key(), PASSWORD), ecClient, "wrong");
        assertThatThrownBy(() -> factory.create(settings, "db:5432"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("wrong sslpassword")
                .hasMessageContaining(settings.key().toString())
                .hasMessageNotContaining("wrong\"")
                .satisfies(e -> assertSetting(e, "sslkey", settings.key().toString()));
    }

    /** The setting and value as fields (the starter reads them instead of the message). */
    private static void assertSetting(Throwable e, String keyword, String value) {
        assertThat(((PgConfigException) e).keyword()).hasValue(keyword);
        assertThat(((PgConfigException) e).value()).hasValue(value);
    }

    @Test
    void encryptedKeyWithoutPasswordIsAClearError() throws IOException {
        TlsSettings settings = withClientKey(TestPki.encryptedPkcs8Pem(ecClient.key(), PASSWORD), ecClient, null);
        assertThatThrownBy(() -> factory.create(settings, "db:5432"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("no sslpassword");
    }

    @Test
    void keyReadableByOthersIsRefused() throws IOException {
        TlsSettings settings = withClientKey(TestPki.pkcs8Pem(ecClient.key()), ecClient, null);
        Files.setPosixFilePermissions(settings.key(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> factory.create(settings, "db:5432"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(settings.key().toString())
                .hasMessageContaining("group or world access")
                .hasMessageContaining("rw-r--r--");
    }

    @Test
    void groupReadableKeyIsRefusedUnlessOwnedByRoot() throws IOException {
        TlsSettings settings = withClientKey(TestPki.pkcs8Pem(ecClient.key()), ecClient, null);
        Files.setPosixFilePermissions(settings.key(), PosixFilePermissions.fromString("rw-r-----"));
        boolean root = ((Integer) Files.getAttribute(settings.key(), "unix:uid")) == 0;
        if (root) {
            // libpq allows 0640 for root-owned keys; hand the file to an ordinary user to see the strict rule
            assertThatCode(() -> factory.create(settings, "db:5432")).doesNotThrowAnyException();
            UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(settings.key(), nobody);
        }
        assertThatThrownBy(() -> factory.create(settings, "db:5432"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("group or world access");
    }

    @Test
    void missingFilesNameTheKeywordAndPath() throws IOException {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> factory.create(
                new TlsSettings(SslMode.VERIFY_CA, null, missing.toString(), null, null, null, true, null, null, null), "h:1"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslrootcert").hasMessageContaining(missing.toString())
                .satisfies(e -> assertSetting(e, "sslrootcert", missing.toString()));

        TlsSettings good = withClientKey(TestPki.pkcs8Pem(ecClient.key()), ecClient, null);
        assertThatThrownBy(() -> factory.create(new TlsSettings(SslMode.REQUIRE, null, null, good.cert(), missing,
                null, true, null, null, null), "h:1"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslkey").hasMessageContaining(missing.toString())
                .hasMessageContaining("certificate present, but not private key file") // libpq's words
                .satisfies(e -> assertSetting(e, "sslkey", missing.toString()));
    }

    /** libpq: an sslcert file that does not exist means no client certificate (sslkey is then not read); the server decides. */
    @Test
    void anAbsentCertificateFileMeansNoClientCertificate() throws IOException {
        Path missing = dir.resolve("invalid");
        assertThatCode(() -> factory.create(new TlsSettings(SslMode.REQUIRE, null, null, missing, null, null, true, null, null, null),
                "h:1")).doesNotThrowAnyException();
        assertThatCode(() -> factory.create(new TlsSettings(SslMode.REQUIRE, null, null, missing, dir.resolve("no.key"), null, true,
                null, null, null), "h:1")).doesNotThrowAnyException();
        TlsSettings good = withClientKey(TestPki.pkcs8Pem(ecClient.key()), ecClient, null);
        assertThatThrownBy(() -> factory.create(new TlsSettings(SslMode.REQUIRE, null, null, good.cert(), null, null, true,
                null, null, null), "h:1"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining(good.cert().toString()).hasMessageContaining("sslkey");
    }

    @Test
    void certificateAndKeyMustMatch() throws IOException {
        TlsSettings settings = withClientKey(TestPki.pkcs8Pem(TestPki.ecKeys().getPrivate()), ecClient, null);
        assertThatThrownBy(() -> factory.create(settings, "h:1"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("does not match private key");
    }

    @Test
    void rootCertFileWithSeveralCertificatesAndComments() throws IOException {
        TestPki.Issued other = TestPki.ca("other CA");
        Path bundle = TestPki.write(dir.resolve("bundle.pem"), "# first\n" + TestPki.certificatesPem(ca.certificate())
                + "# second\n" + TestPki.certificatesPem(other.certificate()));
        assertThat(PemFiles.certificates(TlsFile.ROOT_CERT, bundle, "h:1")).hasSize(2);
        TlsSettings settings = new TlsSettings(SslMode.VERIFY_FULL, null, bundle.toString(), null, null, null, true, null, null, null);
        assertThatCode(() -> factory.create(settings, "h:1")).doesNotThrowAnyException();
    }

    @Test
    void verifyingModeWithoutRootCertIsRefused() {
        assertThatThrownBy(() -> factory.create(TlsSettingsTest.settings(SslMode.VERIFY_CA, null, null, null, null), "h:1"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("sslrootcert");
    }

    @Test
    void inMemoryTrustStandsInForRootCert() throws Exception {
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init((java.security.KeyStore) null);
        SslContextFactory inMemory = new SslContextFactory(trust, null);
        assertThatCode(() -> inMemory.create(TlsSettingsTest.settings(SslMode.VERIFY_CA, null, null, null, null), "h:1"))
                .doesNotThrowAnyException();
    }

    /**
     * NEW-USER-20 F1: with trust given in memory (an SSL bundle's), a chain it does not trust is reported as not trusted
     * by that trust, by its name — not by {@code sslrootcert=~/.postgresql/root.crt}, a file that is not read (nor
     * there) — and under every mode that verifies with it; the files' trust is named as before.
     */
    @Test
    void theChainVerifierANotTrustedChainIsReportedAgainstIsTheTrustInUse() throws Exception {
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init((java.security.KeyStore) null);
        TlsSettings defaultRoot = TlsSettingsTest.settings(SslMode.VERIFY_FULL, null, "/nowhere/.postgresql/root.crt", null, null);
        assertThat(new SslContextFactory(trust, null, "SSL bundle 'db'").chainVerifier(defaultRoot)).isEqualTo("SSL bundle 'db'");
        assertThat(new SslContextFactory(trust, null).chainVerifier(defaultRoot)).isEqualTo(SslContextFactory.IN_MEMORY_TRUST)
                .doesNotContain("/nowhere");
        assertThat(new SslContextFactory(trust, null, "SSL bundle 'db'")
                .chainVerifier(TlsSettingsTest.settings(SslMode.REQUIRE, null, null, null, null))).isEqualTo("SSL bundle 'db'");
        assertThat(new SslContextFactory(trust, null, "SSL bundle 'db'")
                .chainVerifier(TlsSettingsTest.settings(SslMode.DISABLE, null, null, null, null))).isNull();
        assertThat(factory.chainVerifier(defaultRoot)).isEqualTo("sslrootcert=/nowhere/.postgresql/root.crt");
        assertThat(factory.chainVerifier(TlsSettingsTest.settings(SslMode.VERIFY_FULL, null, "system", null, null)))
                .isEqualTo("the JDK's default trust store (sslrootcert=system: javax.net.ssl.trustStore or the JDK's cacerts, not SSL_CERT_FILE or SSL_CERT_DIR)");
        assertThat(factory.chainVerifier(TlsSettingsTest.settings(SslMode.REQUIRE, null, "/nowhere/root.crt", null, null)))
                .as("require with no root file: encrypted, not verified").isNull();
    }

    @Test
    void systemTrustStoreBuilds() {
        assertThatCode(() -> factory.create(TlsSettingsTest.settings(SslMode.VERIFY_FULL, null, "system", null, null), "h:1"))
                .doesNotThrowAnyException();
    }

    @Test
    void enablesTheConfiguredProtocolsAndOffersAlpnPostgresql() {
        SslContext context = factory.create(TlsSettingsTest.settings(SslMode.REQUIRE, null, null, "TLSv1.3", null), "h:1");
        assertThat(context.applicationProtocolNegotiator().protocols()).containsExactly("postgresql");
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            // Netty's OpenSSL engine also lists the pseudo-protocol SSLv2Hello (a hello format, not a version)
            assertThat(Arrays.stream(engine.getEnabledProtocols()).filter(p -> !p.equals("SSLv2Hello"))).containsExactly("TLSv1.3");
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    @Test
    void autoChoosesOpenSslWhenAvailableElseTheJdk() {
        TlsSettings settings = new TlsSettings(SslMode.REQUIRE, null, null, null, null, null, true, null, null, null);
        assertThat(settings.provider()).isEqualTo(SslProviderKind.AUTO);
        SslContext context = factory.create(settings, "h:1");
        if (OpenSsl.isAvailable()) {
            assertThat(context).isInstanceOf(OpenSslContext.class);
        } else {
            assertThat(context).isNotInstanceOf(OpenSslContext.class);
        }
    }

    @Test
    void jdkStaysTheJdkWhenOpenSslIsAvailable() {
        TlsSettings settings = new TlsSettings(SslMode.REQUIRE, null, null, null, null, null, true, null, null, SslProviderKind.JDK);
        assertThat(factory.create(settings, "h:1")).isNotInstanceOf(OpenSslContext.class);
    }

    @Test
    void usesOpenSslWhenAskedAndAvailable() {
        // CI has netty-tcnative: there the OpenSSL path must run, not skip
        assumeTrue(OpenSsl.isAvailable() || "true".equals(System.getenv("CI")), "netty-tcnative not usable on this platform");
        TlsSettings settings = new TlsSettings(SslMode.REQUIRE, null, null, null, null, null, true, null, null,
                SslProviderKind.OPENSSL);
        assertThat(factory.create(settings, "h:1")).isInstanceOf(OpenSslContext.class);
    }
}
