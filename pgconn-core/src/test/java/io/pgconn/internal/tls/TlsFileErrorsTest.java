package io.pgconn.internal.tls;

import io.pgconn.PgConfigException;
import io.pgconn.config.SslMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A TLS file that is missing, not a readable file, or malformed fails the connect with an error that
 * names the host being connected to, the keyword, the path and what the file must hold ({@link TlsFile})
 * — a connect string may name four such files, and a factory may connect to several hosts. (A missing
 * {@code sslcert} or {@code sslcrl} is no error: libpq then sends no certificate, checks no list.)
 */
class TlsFileErrorsTest {

    private static final String HOST = "db.example:5433";
    private static TestPki.Issued ca;
    private static TestPki.Issued client;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("file errors CA");
        client = TestPki.leaf(ca, "CN=carol");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "sslrootcert, missing,   does not exist,                       trusted CA certificates",
            "sslrootcert, directory, is a directory,                       trusted CA certificates",
            "sslrootcert, malformed, contains no PEM certificate,          trusted CA certificates",
            "sslrootcert, bad base64, has invalid base64,                  trusted CA certificates",
            "sslcert,     directory, is a directory,                       client certificate and its chain",
            "sslcert,     malformed, contains no PEM certificate,          client certificate and its chain",
            "sslkey,      missing,   not private key file,                 private key (PRIVATE KEY",
            "sslkey,      directory, is a directory,                       private key (PRIVATE KEY",
            "sslkey,      malformed, contains no PEM private key,          private key (PRIVATE KEY",
            "sslcrl,      directory, is a directory,                       certificate revocation lists (-----BEGIN X509 CRL-----)",
            "sslcrl,      malformed, contains no PEM certificate revocation list, certificate revocation lists (-----BEGIN X509 CRL-----)",
            "sslcrldir,   malformed, contains no PEM certificate revocation list, named as OpenSSL hashes them",
    })
    void namesTheHostTheKeywordThePathAndWhatWasExpected(String keyword, String problem, String said, String expected) throws IOException {
        Path bad = switch (problem) {
            case "missing" -> dir.resolve("missing.pem");
            case "directory" -> Files.createDirectory(dir.resolve("a-directory"));
            case "malformed" -> TestPki.write(dir.resolve(keyword.equals("sslcrldir") ? "0badc0de.r0" : "malformed.pem"), "not PEM at all\n");
            default -> TestPki.write(dir.resolve("bad-base64.pem"), "-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n");
        };
        Path root = TestPki.write(dir.resolve("root.crt"), TestPki.certificatesPem(ca.certificate()));
        Path cert = TestPki.write(dir.resolve("client.crt"), TestPki.certificatesPem(client.certificate()));
        Path key = TestPki.write(dir.resolve("client.key"), TestPki.pkcs8Pem(client.key()));
        TlsSettings settings = switch (keyword) {
            case "sslrootcert" -> settings(bad.toString(), null, null, null, null);
            case "sslcert" -> settings(null, bad, key, null, null);
            case "sslkey" -> settings(null, cert, bad, null, null);
            case "sslcrl" -> settings(root.toString(), null, null, bad, null);
            default -> settings(root.toString(), null, null, null, bad.getParent());
        };

        Throwable error = catchThrowable(() -> new SslContextFactory().create(settings, HOST));

        assertThat(error).isInstanceOf(PgConfigException.class)
                .hasMessageStartingWith("connection to " + HOST + " failed: ")
                .hasMessageContaining("\"" + bad + "\"")
                .hasMessageContaining(said)
                .hasMessageContaining("; " + keyword + " must name ")
                .hasMessageContaining(expected);
        PgConfigException config = (PgConfigException) error;
        assertThat(config.host()).isEqualTo(HOST);
        assertThat(config.keyword()).hasValue(keyword);
        assertThat(config.value()).hasValue(bad.toString());
    }

    private static TlsSettings settings(String rootCert, Path cert, Path key, Path crl, Path crlDir) {
        return new TlsSettings(rootCert == null ? SslMode.REQUIRE : SslMode.VERIFY_CA, null, rootCert, cert, key, null, true, null, null,
                null, crl, crlDir);
    }
}
