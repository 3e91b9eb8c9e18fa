package io.pgconn.lifecycle;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.PgTlsException;
import io.pgconn.AuthMethod;
import io.pgconn.config.RequireAuth;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.ClientCertificate;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerCertificate;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.pgconn.config.EnvironmentSource;

import java.nio.file.Files;
import javax.net.ssl.KeyManagerFactory;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static io.pgconn.lifecycle.LifecycleCluster.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The single-host lifecycle against a real server: every authentication method, the require_auth
 * and channel_binding matrices, every sslmode with libpq's fallbacks, certificate checks and client
 * certificates. Subclasses pick the PostgreSQL major version.
 */
abstract class AbstractLifecycleIT {

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    abstract PgClusterExtension pg();

    PgServer server() {
        return pg().primary();
    }

    ConnConfig config(String user, String password, String extra) {
        return io.pgconn.testing.Connect.config(server(), user, password, "extensionTypes='' " + extra);
    }

    PgConnection connect(String user, String password, String extra) {
        return await(FACTORY.factory().connect(config(user, password, extra)));
    }

    Throwable refusal(String user, String password, String extra) {
        return failure(FACTORY.factory().connect(config(user, password, extra)));
    }

    /**
     * The failure of type {@code expected} of a connect with {@code config} once the factory looks at the TLS files
     * again: a context serves the connects of its settings for a second after a look without another
     * (ConnectResources.TLS_FILES_RECHECK), so the connects right after a file changed may still use the old one. Connects
     * until one fails so, closing those that succeed.
     */
    static Throwable refusedOnceTheFilesAreLookedAtAgain(ConnConfig config, Class<? extends Throwable> expected) {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        awaitCondition("a connect refused with " + expected.getSimpleName() + " once the TLS files are looked at again", () -> {
            try {
                await(await(FACTORY.factory().connect(config)).close());
                return false;
            } catch (RuntimeException e) {
                refused.set(e);
                return expected.isInstance(e);
            }
        });
        return refused.get();
    }

    /** As {@link #refusedOnceTheFilesAreLookedAtAgain}, until a connect succeeds (and is closed). */
    static void connectsOnceTheFilesAreLookedAtAgain(ConnConfig config) {
        awaitCondition("a connect succeeds once the TLS files are looked at again", () -> {
            try {
                await(await(FACTORY.factory().connect(config)).close());
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    String tlsOptions(String mode) {
        return "sslmode=" + mode + " sslrootcert=" + pg().tls().caCertificate();
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource({
            "trust_u,    sslmode=disable,                          NONE",
            "pw_u,       sslmode=disable,                          PASSWORD",
            "md5_u,      sslmode=disable,                          MD5",
            "scram_u,    sslmode=disable,                          SCRAM_SHA_256",
            "scram_u,    sslmode=require,                          SCRAM_SHA_256_PLUS",
            "scram_u,    sslmode=require channel_binding=disable,  SCRAM_SHA_256",
    })
    void everyAuthenticationMethodWorksWithTheRightPassword(String user, String options, AuthMethod expected) {
        PgConnection connection = connect(user, PASSWORD, options);
        try {
            assertThat(connection.authMethod()).isEqualTo(expected);
            assertThat(value(connection, "SELECT current_user")).isEqualTo(user);
            assertThat(connection.serverVersion()).startsWith(String.valueOf(server().majorVersion()));
            assertThat(connection.processId()).isPositive();
        } finally {
            await(connection.close());
        }
    }

    @ParameterizedTest(name = "{0} with a wrong password")
    @CsvSource({"pw_u", "md5_u", "scram_u"})
    void wrongPasswordFailsWith28P01(String user) {
        Throwable failure = refusal(user, "not-the-password", "sslmode=disable");
        assertThat(failure).isInstanceOf(PgAuthenticationException.class);
        assertThat(((PgException) failure).sqlState()).contains("28P01");
        assertThat(failure.getMessage()).contains("localhost:" + server().port()).doesNotContain("not-the-password")
                .as("a password given explicitly: no file was read").doesNotContain("retrieved from file");
    }

    /**
     * A stale {@code .pgpass} line: the refusal says, as libpq's {@code pgpassfileWarning}, which file supplied the password
     * (REVIEW-25 R25-3: main said only "password authentication failed"), and never the password.
     */
    @ParameterizedTest(name = "{0} with a wrong password from the passfile")
    @CsvSource({"pw_u", "scram_u"})
    void aWrongPasswordFromThePassfileNamesTheFile(String user, @TempDir Path dir) throws Exception {
        Path passfile = dir.resolve("pgpass");
        Files.writeString(passfile, "*:*:*:" + user + ":stale-secret\n");
        Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
        ConnConfig config = ConnConfig.parse("host=localhost port=" + server().port() + " dbname=postgres user=" + user
                + " passfile='" + passfile + "' extensionTypes='' sslmode=disable", EnvironmentSource.none());

        Throwable failure = failure(FACTORY.factory().connect(config));

        assertThat(failure).isInstanceOf(PgAuthenticationException.class);
        assertThat(((PgException) failure).sqlState()).contains("28P01");
        assertThat(failure.getMessage()).endsWith("\npassword retrieved from file \"" + passfile + "\"")
                .doesNotContain("stale-secret");
    }

    @ParameterizedTest(name = "{0} require_auth={1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "trust_u   | none                      | ok",
            "trust_u   | !none                     | refused",
            "trust_u   | password                  | refused",
            "trust_u   | none,scram-sha-256        | ok",
            "pw_u      | password                  | ok",
            "pw_u      | !password                 | refused",
            "pw_u      | scram-sha-256             | refused",
            "pw_u      | none                      | refused",
            "md5_u     | md5                       | ok",
            "md5_u     | !md5,!password            | refused",
            "md5_u     | scram-sha-256,password    | refused",
            "scram_u   | scram-sha-256             | ok",
            "scram_u   | !scram-sha-256            | refused",
            "scram_u   | password,md5              | refused",
            "scram_u   | !none                     | ok",
            "scram_u   | !password,!md5            | ok",
            "scram_u   | !gss                      | ok",
            "trust_u   | !sspi                     | ok",
            "md5_u     | '!gss,!sspi'              | ok",
    })
    void requireAuthMatrix(String user, String requireAuth, String outcome) {
        String options = "sslmode=disable require_auth=" + requireAuth;
        if (outcome.equals("ok")) {
            PgConnection connection = connect(user, PASSWORD, options);
            await(connection.close());
            assertThat(RequireAuth.parse(requireAuth).allows(connection.authMethod()))
                    .as("require_auth=%s allows the method used, %s", requireAuth, connection.authMethod()).isTrue();
        } else {
            Throwable failure = refusal(user, PASSWORD, options);
            assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("require_auth");
        }
    }

    @Test
    void channelBindingRequireUsesScramPlusOverTls() {
        PgConnection connection = connect("scram_u", PASSWORD, "sslmode=require channel_binding=require");
        try {
            assertThat(connection.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256_PLUS);
            assertThat(connection.tlsProtocol()).isPresent();
        } finally {
            await(connection.close());
        }
    }

    @ParameterizedTest(name = "channel_binding=require refuses {0}")
    @CsvSource({"md5_u", "pw_u", "trust_u"})
    void channelBindingRequireRefusesMethodsWithoutBinding(String user) {
        Throwable failure = refusal(user, PASSWORD, "sslmode=require channel_binding=require");
        assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("channel_binding");
    }

    @Test
    void channelBindingRequireRefusesCertificateAuthentication() {
        ClientCertificate cert = pg().tls().clientCertificate("cert_u");
        Throwable failure = refusal("cert_u", null, tlsOptions("verify-full") + " channel_binding=require sslcert="
                + cert.certificate() + " sslkey=" + cert.keyPkcs8Pem());
        assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("channel_binding");
    }

    @ParameterizedTest(name = "{0} with sslmode={1} → {2}")
    @CsvSource({
            "ssl_only,   disable, refused",
            "ssl_only,   allow,   tls",
            "ssl_only,   prefer,  tls",
            "ssl_only,   require, tls",
            "nossl_only, disable, plain",
            "nossl_only, allow,   plain",
            "nossl_only, prefer,  plain",
            "nossl_only, require, refused",
            "scram_u,    allow,   plain",
            "scram_u,    prefer,  tls",
    })
    void sslModesFollowLibpqFallbacks(String user, String mode, String outcome) {
        if (outcome.equals("refused")) {
            Throwable failure = refusal(user, PASSWORD, "sslmode=" + mode);
            assertThat(failure).isInstanceOf(PgAuthenticationException.class);
            assertThat(((PgException) failure).sqlState()).contains("28000"); // no pg_hba.conf entry
            return;
        }
        PgConnection connection = connect(user, PASSWORD, "sslmode=" + mode);
        try {
            assertThat(connection.tlsProtocol().isPresent()).isEqualTo(outcome.equals("tls"));
            assertThat(value(connection, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .isEqualTo(outcome.equals("tls") ? "true" : "false");
        } finally {
            await(connection.close());
        }
    }

    @Test
    void verifyFullAcceptsTheTestkitCa() {
        PgConnection connection = connect("scram_u", PASSWORD, tlsOptions("verify-full"));
        await(connection.close());
        assertThat(connection.tlsProtocol()).isPresent();
    }

    /**
     * A first host that closes the socket before it answers SSLRequest, or during the TLS handshake (a
     * server going away mid-failover), is a transport failure, not a TLS refusal: the walk moves on to the
     * next host, under every sslmode that requires TLS (user3's F1; docs/lifecycle.md §2.3 and §9 — libpq
     * stops here).
     */
    @ParameterizedTest(name = "sslmode={0}, closed {1}")
    @CsvSource({"require, before answering", "verify-ca, before answering", "verify-full, before answering",
            "require, in the handshake", "verify-full, in the handshake"})
    void aHostThatClosesBeforeAnsweringSslRequestOrInTheHandshakeIsPassedOver(String mode, String when) {
        boolean inHandshake = when.equals("in the handshake");
        try (io.pgconn.hostile.ScriptedServer closer = io.pgconn.hostile.ScriptedServer.start(c -> {
            c.readStartupPacket();
            if (inHandshake) {
                c.send(new byte[]{'S'});
                c.readSome(); // the ClientHello
            }
            c.close();
        })) {
            ConnConfig config = ConnConfig.parse("host=localhost,localhost port=" + closer.port() + "," + server().port()
                    + " dbname=postgres user=scram_u password='" + PASSWORD + "' extensionTypes='' " + tlsOptions(mode),
                    EnvironmentSource.of(Map.of("HOME", System.getProperty("java.io.tmpdir"))));
            PgConnection connection = await(FACTORY.factory().connect(config));
            try {
                assertThat(connection.hostSpec().port()).isEqualTo(server().port());
                assertThat(connection.tlsProtocol()).isPresent();
                assertThat(closer.connections()).isEqualTo(1);
            } finally {
                await(connection.close());
            }
        }
    }

    @Test
    void verifyFullRefusesAnUntrustedCa() {
        Throwable failure = refusal("scram_u", PASSWORD, "sslmode=verify-full sslrootcert=" + pg().tls().untrustedCaCertificate());
        assertThat(failure).isInstanceOf(PgTlsException.class).hasMessageContaining("localhost:" + server().port());
    }

    @Test
    void requireWithARootCertificateVerifiesTheChainLikeVerifyCa() {
        Throwable failure = refusal("scram_u", PASSWORD, "sslmode=require sslrootcert=" + pg().tls().untrustedCaCertificate());
        assertThat(failure).isInstanceOf(PgTlsException.class);
    }

    /** libpq: a root certificate file makes prefer verify the chain like verify-ca; a failure falls back to plaintext. */
    @Test
    void preferWithARootCertificateVerifiesTheChainAndFallsBackToPlaintext() {
        PgConnection verified = connect("scram_u", PASSWORD, tlsOptions("prefer"));
        try {
            assertThat(verified.tlsProtocol()).isPresent();
        } finally {
            await(verified.close());
        }
        // NEW-USER-20 F9: the plaintext after a failed TLS attempt is said once, at WARNING, with why TLS failed
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger fallbackLog = Logger.getLogger("io.pgconn.internal.connect.PlaintextFallbackLog");
        fallbackLog.addHandler(capture);
        PgConnection fallback;
        try {
            fallback = connect("scram_u", PASSWORD, "sslmode=prefer sslrootcert=" + pg().tls().untrustedCaCertificate());
        } finally {
            fallbackLog.removeHandler(capture);
        }
        try {
            assertThat(fallback.tlsProtocol()).as("the untrusted chain failed the TLS attempt; prefer went on in plaintext").isEmpty();
            assertThat(value(fallback, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("false");
            assertThat(warnings).singleElement().satisfies(warning -> {
                assertThat(warning.getLevel()).isEqualTo(Level.WARNING);
                assertThat(warning.getMessage()).contains("connection to " + fallback.host() + " is not encrypted: sslmode=prefer"
                        + " went on in plaintext because TLS failed: ").contains("not trusted by sslrootcert=")
                        .doesNotContain(PASSWORD);
            });
        } finally {
            await(fallback.close());
        }
        Throwable sslOnly = refusal("ssl_only", PASSWORD, "sslmode=prefer sslrootcert=" + pg().tls().untrustedCaCertificate());
        assertThat(sslOnly).as("a hostssl-only user has no plaintext way in").isInstanceOf(PgAuthenticationException.class);
    }

    /** libpq applies this only when the file exists: a root file named but absent leaves require unverified. */
    @Test
    void requireWithAnAbsentRootCertificateFileEncryptsWithoutVerifying(@TempDir Path dir) {
        PgConnection connection = connect("scram_u", PASSWORD, "sslmode=require sslrootcert=" + dir.resolve("absent.crt"));
        try {
            assertThat(connection.tlsProtocol()).isPresent();
        } finally {
            await(connection.close());
        }
        Throwable verifyCa = refusal("scram_u", PASSWORD, "sslmode=verify-ca sslrootcert=" + dir.resolve("absent.crt"));
        assertThat(verifyCa).isInstanceOf(io.pgconn.PgConfigException.class).hasMessageContaining("absent.crt")
                .hasMessageContaining("does not exist");
    }

    /** libpq's default root file, ~/.postgresql/root.crt, counts as sslrootcert when it exists. */
    @Test
    void theDefaultRootCertificateFileInHomeIsUsedWhenItExists(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".postgresql"));
        Files.copy(pg().tls().untrustedCaCertificate(), home.resolve(".postgresql/root.crt"));
        ConnConfig config = ConnConfig.parse("host=localhost port=" + server().port() + " dbname=postgres user=scram_u password='"
                + PASSWORD + "' extensionTypes='' sslmode=require", EnvironmentSource.of(Map.of("HOME", home.toString())));
        Throwable failure = failure(FACTORY.factory().connect(config));
        assertThat(failure).isInstanceOf(PgTlsException.class).hasMessageContaining("root.crt");
    }

    /**
     * libpq's default client certificate: with sslcert/sslkey unset, ~/.postgresql/postgresql.crt is sent
     * when it exists, with ~/.postgresql/postgresql.key; no such file means no certificate and no error.
     */
    @Test
    void theDefaultClientCertificateFilesInHomeAreSentWhenTheyExist(@TempDir Path home) throws Exception {
        ClientCertificate cert = pg().tls().clientCertificate("cert_u");
        Path dotPostgresql = Files.createDirectories(home.resolve(".postgresql"));
        ConnConfig config = ConnConfig.parse("host=localhost port=" + server().port() + " dbname=postgres user=cert_u extensionTypes='' "
                + tlsOptions("verify-full"), EnvironmentSource.of(Map.of("HOME", home.toString())));

        Throwable noFiles = failure(FACTORY.factory().connect(config));
        assertThat(noFiles).as("no default files: no certificate, and the server's cert rule refuses (28000)")
                .isInstanceOf(PgAuthenticationException.class);
        assertThat(((PgException) noFiles).sqlState()).contains("28000");

        Files.copy(cert.certificate(), dotPostgresql.resolve("postgresql.crt"));
        Throwable noKey = refusedOnceTheFilesAreLookedAtAgain(config, io.pgconn.PgConfigException.class);
        assertThat(noKey).isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining("certificate present, but not private key file")
                .hasMessageContaining(dotPostgresql.resolve("postgresql.key").toString());

        Path key = Files.copy(cert.keyPkcs8Pem(), dotPostgresql.resolve("postgresql.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Throwable worldReadable = failure(FACTORY.factory().connect(config));
        assertThat(worldReadable).isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("group or world access");

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        PgConnection connection = await(FACTORY.factory().connect(config));
        try {
            assertThat(value(connection, "SELECT current_user")).isEqualTo("cert_u");
            assertThat(value(connection, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).contains("cert_u");
        } finally {
            await(connection.close());
        }
    }

    @Test
    void verifyFullRefusesAWrongHostCertificateWhileVerifyCaAcceptsIt() {
        server().useServerCertificate(ServerCertificate.WRONG_HOST);
        try {
            Throwable failure = refusal("scram_u", PASSWORD, tlsOptions("verify-full"));
            assertThat(failure).isInstanceOf(PgTlsException.class).hasMessageContaining("localhost");
            await(connect("scram_u", PASSWORD, tlsOptions("verify-ca")).close());
        } finally {
            server().useServerCertificate(ServerCertificate.TRUSTED);
        }
    }

    /** libpq's own tests use sslcert=invalid: no such file, so no client certificate, and the server decides. */
    @Test
    void anSslcertFileThatDoesNotExistSendsNoCertificateAndTheServerDecides(@TempDir Path dir) {
        String noCert = tlsOptions("verify-full") + " sslcert=" + dir.resolve("invalid");
        PgConnection connection = connect("scram_u", PASSWORD, noCert);
        try {
            assertThat(connection.tlsProtocol()).isPresent();
            assertThat(value(connection, "SELECT coalesce(client_dn, 'none') FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .isEqualTo("none");
        } finally {
            await(connection.close());
        }
        Throwable certRequired = refusal("cert_u", null, noCert);
        assertThat(certRequired).isInstanceOf(PgAuthenticationException.class);
        assertThat(((PgException) certRequired).sqlState()).contains("28000");
    }

    /**
     * libpq reads the revocation lists at every connect: a list updated in place (the server's certificate
     * revoked since) fails a later connect of the same factory — once the factory looks at the files again, a second
     * after its last look at most (ConnectResources.TLS_FILES_RECHECK); a hashed file added to an sslcrldir, or
     * replaced there, is read likewise. The factory's cached TLS context was built once per settings until session 26, so
     * the update was never seen until a new factory.
     */
    @Test
    void anUpdatedRevocationListIsReadByALaterConnect(@TempDir Path dir) throws Exception {
        Path crl = dir.resolve("root.crl");
        Files.copy(pg().tls().revocationList(false), crl);
        String options = tlsOptions("verify-full") + " sslcrl=" + crl;
        await(connect("scram_u", PASSWORD, options).close());
        Files.copy(pg().tls().revocationList(true), crl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(crl, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(crl).toMillis() + 2_000));
        refusedOnceTheFilesAreLookedAtAgain(config("scram_u", PASSWORD, options), io.pgconn.PgTlsException.class);

        // a directory without a list for the server's issuer refuses it (every certificate needs one); a list
        // added to it is read by the next connect, and so is one replaced in place
        Path crlDir = Files.createDirectories(dir.resolve("crls"));
        String dirOptions = tlsOptions("verify-full") + " sslcrldir=" + crlDir;
        assertThat(refusal("scram_u", PASSWORD, dirOptions)).isInstanceOf(io.pgconn.PgTlsException.class);
        Path listed = crlDir.resolve("0a1b2c3d.r0");
        Files.copy(pg().tls().revocationList(false), listed);
        connectsOnceTheFilesAreLookedAtAgain(config("scram_u", PASSWORD, dirOptions));
        Files.copy(pg().tls().revocationList(true), listed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(listed, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(listed).toMillis() + 2_000));
        refusedOnceTheFilesAreLookedAtAgain(config("scram_u", PASSWORD, dirOptions), io.pgconn.PgTlsException.class);
    }

    /**
     * libpq's sslcrl / sslcrldir (as libpq 18 behaves): checked when the file exists and the chain is
     * verified; a revoked server certificate fails the handshake; an absent file is silently unused.
     */
    @Test
    void revocationListsAreCheckedWhenTheyExist(@TempDir Path dir) throws Exception {
        Path empty = pg().tls().revocationList(false);
        Path revoked = pg().tls().revocationList(true);
        await(connect("scram_u", PASSWORD, tlsOptions("verify-full") + " sslcrl=" + empty).close());
        await(connect("scram_u", PASSWORD, tlsOptions("verify-full") + " sslcrl=" + dir.resolve("absent.crl")).close());
        Throwable failure = refusal("scram_u", PASSWORD, tlsOptions("verify-full") + " sslcrl=" + revoked);
        assertThat(failure).isInstanceOf(io.pgconn.PgTlsException.class).hasMessageContaining("localhost:" + server().port());
        // a directory of hashed CRL files, as OpenSSL reads it: <issuer hash>.r0
        Path crlDir = java.nio.file.Files.createDirectories(dir.resolve("crls"));
        java.nio.file.Files.copy(revoked, crlDir.resolve("0a1b2c3d.r0"));
        assertThat(refusal("scram_u", PASSWORD, tlsOptions("verify-ca") + " sslcrldir=" + crlDir))
                .isInstanceOf(io.pgconn.PgTlsException.class);
        // not verified (require without a root file): no revocation check, as in libpq
        await(connect("scram_u", PASSWORD, "sslmode=require sslrootcert=" + dir.resolve("none.crt") + " sslcrl=" + revoked).close());
    }

    /** libpq 16's sslcertmode, as libpq 18 behaves: disable never sends the certificate, require fails unless one was sent. */
    @Test
    void sslcertmodeDecidesWhetherAClientCertificateIsSent(@TempDir Path dir) {
        ClientCertificate cert = pg().tls().clientCertificate("cert_u");
        String withCert = tlsOptions("verify-full") + " sslcert=" + cert.certificate() + " sslkey=" + cert.keyPkcs8Pem();
        Throwable notSent = refusal("cert_u", null, withCert + " sslcertmode=disable");
        assertThat(notSent).isInstanceOf(PgAuthenticationException.class);
        assertThat(((PgException) notSent).sqlState()).contains("28000");
        await(connect("cert_u", null, withCert + " sslcertmode=require").close());

        Throwable noCertificate = refusal("scram_u", PASSWORD, tlsOptions("verify-full") + " sslcert=" + dir.resolve("invalid")
                + " sslcertmode=require");
        assertThat(noCertificate).isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("sslcertmode=require").hasMessageContaining("without a valid SSL certificate")
                .hasMessageContaining("localhost:" + server().port());
        Throwable plaintext = refusal("scram_u", PASSWORD, "sslmode=disable sslcertmode=require");
        assertThat(plaintext).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("did not request an SSL certificate");
    }

    /**
     * sslcertmode=disable sends no client certificate whatever its source: a key manager given to the
     * factory's builder (a Spring SSL bundle's) too. cert_u's pg_hba.conf line requires one; scram_u's
     * only lets the client send one (the server asks, pg_stat_ssl shows what came).
     */
    @Test
    void sslcertmodeDisableSendsNoCertificateFromAKeyManagerEither() throws Exception {
        ClientCertificate cert = pg().tls().clientCertificate("cert_u");
        KeyManagerFactory keys = keyManager(cert);
        try (PgConnectionFactory sent = PgConnectionFactory.builder(config("cert_u", null, tlsOptions("verify-full")))
                .keyManagerFactory(keys).build();
             PgConnectionFactory disabled = PgConnectionFactory.builder(config("cert_u", null, tlsOptions("verify-full")
                     + " sslcertmode=disable")).keyManagerFactory(keys).build()) {
            PgConnection withCertificate = await(sent.connect());
            try {
                assertThat(value(withCertificate, "SELECT current_user")).isEqualTo("cert_u");
            } finally {
                await(withCertificate.close());
            }
            Throwable notSent = failure(disabled.connect());
            assertThat(notSent).isInstanceOf(PgAuthenticationException.class);
            assertThat(((PgException) notSent).sqlState()).contains("28000");
            String clientDn = "SELECT coalesce(client_dn, 'none') FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
            PgConnection optional = await(disabled.connect(config("scram_u", PASSWORD, tlsOptions("verify-full")
                    + " sslcertmode=disable")));
            try {
                assertThat(value(optional, clientDn)).isEqualTo("none");
            } finally {
                await(optional.close());
            }
            PgConnection optionalSent = await(sent.connect(config("scram_u", PASSWORD, tlsOptions("verify-full"))));
            try {
                assertThat(value(optionalSent, clientDn)).contains("cert_u");
            } finally {
                await(optionalSent.close());
            }
        }
    }

    /** The client certificate and key as in-memory key material, as a Spring SSL bundle gives it. */
    private static KeyManagerFactory keyManager(ClientCertificate cert) throws Exception {
        java.security.cert.Certificate[] chain;
        try (java.io.InputStream in = Files.newInputStream(cert.certificate())) {
            chain = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .toArray(java.security.cert.Certificate[]::new);
        }
        String base64 = Files.readString(cert.keyPkcs8Pem()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(base64));
        java.security.PrivateKey key;
        try {
            key = java.security.KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            key = java.security.KeyFactory.getInstance("EC").generatePrivate(spec);
        }
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, new char[0], chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        return keys;
    }

    @ParameterizedTest(name = "client certificate with a {0} key")
    @CsvSource({"pkcs8", "pkcs1", "encrypted", "legacy AES-256-CBC", "legacy DES-EDE3-CBC"})
    void clientCertificateAuthentication(String keyFormat) {
        ClientCertificate cert = pg().tls().clientCertificate("cert_u");
        String key = switch (keyFormat) {
            case "pkcs8" -> "sslkey=" + cert.keyPkcs8Pem();
            case "pkcs1" -> "sslkey=" + cert.keyPkcs1Pem();
            case "legacy AES-256-CBC", "legacy DES-EDE3-CBC" ->
                    "sslkey=" + cert.keyLegacyEncryptedPem(keyFormat.substring("legacy ".length()), "key-pw") + " sslpassword=key-pw";
            default -> "sslkey=" + cert.keyPkcs8EncryptedPem("key-pw") + " sslpassword=key-pw";
        };
        PgConnection connection = connect("cert_u", null, tlsOptions("verify-full") + " sslcert=" + cert.certificate() + " " + key);
        try {
            assertThat(connection.authMethod()).isEqualTo(AuthMethod.NONE);
            assertThat(value(connection, "SELECT current_user")).isEqualTo("cert_u");
        } finally {
            await(connection.close());
        }
    }
}
