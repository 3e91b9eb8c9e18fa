package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.ClientCertificate;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pg.conn.ssl.bundle} against a real TLS server: verify-full against the bundle's trust
 * store, and the bundle's client certificate presented (the server's {@code pg_stat_ssl} names it),
 * from a PEM bundle and from a JKS one.
 */
class PgConnSslBundleIT {

    private static final String USER = "bundle_app";

    private static final String PASSWORD = "bundle-Pa55";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.tlsOnly("starter-bundle", USER, PASSWORD);

    @TempDir
    Path directory;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=localhost:" + PG.primary().port(), "pg.conn.database=postgres",
                        "pg.conn.username=" + USER, "pg.conn.password=" + PASSWORD, "pg.conn.extension-types=",
                        "pg.conn.startup-check=fail", "pg.conn.ssl.bundle=db");
    }

    @Test
    void pemBundleTrustsTheServerAndPresentsTheClientCertificate() {
        ClientCertificate client = PG.tls().clientCertificate(USER);
        runner().withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:" + PG.tls().caCertificate(),
                        "spring.ssl.bundle.pem.db.keystore.certificate=file:" + client.certificate(),
                        "spring.ssl.bundle.pem.db.keystore.private-key=file:" + client.keyPkcs8Pem())
                .run(context -> assertClientCertificateUsed(context.getBean(PgConnectionFactory.class)));
    }

    @Test
    void jksBundleTrustsTheServerAndPresentsTheClientCertificate() {
        ClientCertificate client = PG.tls().clientCertificate(USER);
        Path trust = SslBundleStores.jksTrustStore(PG.tls(), this.directory);
        Path keys = SslBundleStores.pkcs12KeyStore(client, this.directory);
        runner().withPropertyValues("spring.ssl.bundle.jks.db.truststore.location=file:" + trust,
                        "spring.ssl.bundle.jks.db.truststore.password=" + SslBundleStores.STORE_PASSWORD,
                        "spring.ssl.bundle.jks.db.keystore.location=file:" + keys,
                        "spring.ssl.bundle.jks.db.keystore.type=PKCS12",
                        "spring.ssl.bundle.jks.db.keystore.password=" + SslBundleStores.STORE_PASSWORD)
                .run(context -> assertClientCertificateUsed(context.getBean(PgConnectionFactory.class)));
    }

    /**
     * NEW-USER-20 F1: the failure names the bundle whose trust store did not trust the server's chain — it named
     * {@code sslrootcert=~/.postgresql/root.crt}, libpq's default file, which does not exist and was never read.
     */
    @Test
    void bundleWithoutTheServersCaFailsVerificationNamingTheBundle() {
        runner().withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:" + PG.tls().untrustedCaCertificate())
                .run(context -> {
                    assertThat(context).hasFailed().getFailure().hasStackTraceContaining("localhost:" + PG.primary().port())
                            .hasStackTraceContaining("server certificate chain not trusted by SSL bundle 'db' (pg.conn.ssl.bundle)");
                    StringWriter trace = new StringWriter();
                    context.getStartupFailure().printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain("sslrootcert=").doesNotContain("root.crt");
                });
    }

    /**
     * NEW-USER-20 F2: a bundle Boot reloads ({@code reload-on-update}) reaches the factory's next connections — a CA
     * rotated into the trust store's file (what cert-manager or a Vault agent do) is trusted without a restart; the
     * starter read the bundle once, and every connect kept failing with the old trust until the application restarted.
     */
    @Test
    void aReloadedBundlesNewTrustIsUsedByTheNextConnection() throws Exception {
        Path ca = this.directory.resolve("ca.pem");
        Files.copy(PG.tls().untrustedCaCertificate(), ca);
        runner().withPropertyValues("pg.conn.startup-check=none", "spring.ssl.bundle.pem.db.truststore.certificate=file:" + ca,
                        "spring.ssl.bundle.pem.db.reload-on-update=true", "spring.ssl.bundle.watch.file.quiet-period=100ms")
                .run(context -> {
                    PgConnectionFactory factory = context.getBean(PgConnectionFactory.class);
                    assertThatThrownBy(() -> factory.connect().get(30, TimeUnit.SECONDS))
                            .hasStackTraceContaining("not trusted by SSL bundle 'db'");
                    Files.copy(PG.tls().caCertificate(), ca, StandardCopyOption.REPLACE_EXISTING);
                    awaitCondition("a connection trusting the reloaded bundle's CA", Duration.ofSeconds(20),
                            () -> connects(factory));
                });
    }

    /** Whether a connect succeeds now; its connection is closed again. */
    private static boolean connects(PgConnectionFactory factory) {
        try {
            factory.connect().get(30, TimeUnit.SECONDS).close().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException stillTheOldTrust) {
            return false;
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertClientCertificateUsed(PgConnectionFactory factory) throws Exception {
        PgConnection connection = factory.connect().get(30, TimeUnit.SECONDS);
        try {
            assertThat(PG.primary().queryValue("SELECT client_dn FROM pg_stat_ssl WHERE pid = " + connection.processId()))
                    .contains(USER);
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
