package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.PgTls;
import io.pgconn.config.SslMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pg.conn.ssl.bundle}: PEM and JKS bundles build a factory; a bundle with files, or an unknown bundle, fails start-up. */
class PgConnSslBundleTest {

    @TempDir
    static Path directory;

    static PgTls tls;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db1:5432", "pg.conn.startup-check=none");

    @BeforeAll
    static void generate() {
        tls = PgTls.generate(directory.resolve("tls"));
    }

    @Test
    void pemBundleMakesVerifyFullTheDefault() {
        this.runner.withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:" + tls.caCertificate(),
                        "pg.conn.ssl.bundle=db")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PgConnectionFactory.class).config().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
                });
    }

    @Test
    void explicitModeWinsOverTheBundleDefault() {
        this.runner.withPropertyValues("spring.ssl.bundle.pem.db.truststore.certificate=file:" + tls.caCertificate(),
                        "pg.conn.ssl.bundle=db", "pg.conn.ssl.mode=verify-ca")
                .run(context -> assertThat(context.getBean(PgConnectionFactory.class).config().sslMode())
                        .isEqualTo(SslMode.VERIFY_CA));
    }

    @Test
    void jksBundleBuildsAFactory() {
        Path trust = SslBundleStores.jksTrustStore(tls, directory);
        this.runner.withPropertyValues("spring.ssl.bundle.jks.db.truststore.location=file:" + trust,
                        "spring.ssl.bundle.jks.db.truststore.password=" + SslBundleStores.STORE_PASSWORD, "pg.conn.ssl.bundle=db")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(PgConnectionFactory.class));
    }

    @Test
    void bundleWithRootCertFileFailsNamingBoth() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "spring.ssl.bundle.pem.db.truststore.certificate=file:" + tls.caCertificate(), "pg.conn.ssl.bundle=db",
                "pg.conn.ssl.root-cert=" + tls.caCertificate()));
        assertThat(analysis.getDescription()).contains("Property: pg.conn.ssl.bundle").contains("pg.conn.ssl.root-cert")
                .contains("not both");
    }

    @Test
    void bundleWithClientFilesFromTheUrlFails() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "spring.ssl.bundle.pem.db.truststore.certificate=file:" + tls.caCertificate(), "pg.conn.ssl.bundle=db",
                "pg.conn.url=postgresql://db1/app?sslcert=/tmp/c.pem&sslkey=/tmp/k.pem"));
        assertThat(analysis.getDescription()).contains("pg.conn.ssl.cert (sslcert)").contains("pg.conn.ssl.key (sslkey)");
    }

    @Test
    void unknownBundleFailsListingTheConfiguredOnes() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "spring.ssl.bundle.pem.db.truststore.certificate=file:" + tls.caCertificate(), "pg.conn.ssl.bundle=dbx"));
        assertThat(analysis.getDescription()).contains("Value: \"dbx\"").contains("[db]");
    }
}
