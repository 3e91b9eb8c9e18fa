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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void bundleWithoutTheServersCaFailsVerification() {
        runner().withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:" + PG.tls().untrustedCaCertificate())
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("localhost:" + PG.primary().port()));
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
