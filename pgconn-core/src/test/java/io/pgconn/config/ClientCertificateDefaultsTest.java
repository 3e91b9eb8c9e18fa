package io.pgconn.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** libpq's default client certificate and key files, under HOME, when sslcert/sslkey are not set. */
class ClientCertificateDefaultsTest {

    private static ConnConfig parse(String text) {
        return ConnConfig.parse(text, EnvironmentSource.of(Map.of("HOME", "/home/alice")));
    }

    @Test
    void unsetMeansTheFilesUnderHomeDotPostgresql() {
        ConnConfig config = parse("host=h");
        assertThat(config.sslCertOrDefault()).isEqualTo(Path.of("/home/alice/.postgresql/postgresql.crt"));
        assertThat(config.sslKeyOrDefault()).isEqualTo(Path.of("/home/alice/.postgresql/postgresql.key"));
        assertThat(config.sslCert()).as("the keyword itself stays unset").isNull();
    }

    @Test
    void explicitFilesWinAndAnEmptyValueCountsAsUnset() {
        ConnConfig config = parse("host=h sslcert=/etc/pg/client.crt sslkey=/etc/pg/client.key");
        assertThat(config.sslCertOrDefault()).isEqualTo(Path.of("/etc/pg/client.crt"));
        assertThat(config.sslKeyOrDefault()).isEqualTo(Path.of("/etc/pg/client.key"));

        ConnConfig empty = parse("host=h sslcert='' sslkey=''");
        assertThat(empty.sslCertOrDefault()).isEqualTo(Path.of("/home/alice/.postgresql/postgresql.crt"));
        assertThat(empty.sslKeyOrDefault()).isEqualTo(Path.of("/home/alice/.postgresql/postgresql.key"));
    }

    /** libpq reads the default key for an explicit certificate too. */
    @Test
    void anExplicitCertificateWithoutSslkeyUsesTheDefaultKey() {
        ConnConfig config = parse("host=h sslcert=/etc/pg/client.crt");
        assertThat(config.sslKeyOrDefault()).isEqualTo(Path.of("/home/alice/.postgresql/postgresql.key"));
    }

    @Test
    void theEnvironmentVariablesAreTheKeywords() {
        ConnConfig config = ConnConfig.parse("host=h", EnvironmentSource.of(Map.of("HOME", "/home/alice",
                "PGSSLCERT", "/env/c.crt", "PGSSLKEY", "/env/c.key")));
        assertThat(config.sslCertOrDefault()).isEqualTo(Path.of("/env/c.crt"));
        assertThat(config.sslKeyOrDefault()).isEqualTo(Path.of("/env/c.key"));
    }
}
