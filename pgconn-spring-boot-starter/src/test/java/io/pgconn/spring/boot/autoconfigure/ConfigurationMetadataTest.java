package io.pgconn.spring.boot.autoconfigure;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgconn.config.ConnConfig;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata IDEs read: every pg.conn property documented, enum values hinted in libpq spelling. */
class ConfigurationMetadataTest {

    private static DocumentContext metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            return JsonPath.parse(in);
        }
    }

    @Test
    void everyPropertyHasADescriptionNotStartingWithAnArticle() throws IOException {
        List<Map<String, Object>> properties = metadata().read("$.properties[?(@.name =~ /pg\\.conn\\..*/)]");
        assertThat(properties).extracting(p -> p.get("name")).contains("pg.conn.url", "pg.conn.hosts",
                "pg.conn.ssl.mode", "pg.conn.ssl.root-cert", "pg.conn.target-session-attrs", "pg.conn.keepalive.idle",
                "pg.conn.startup-parameters", "pg.conn.shutdown-timeout", "pg.conn.connect-timeout",
                "pg.conn.host-connect-timeout", "pg.conn.host-recheck-interval");
        assertThat(properties).allSatisfy(p -> assertThat((String) p.get("description")).as((String) p.get("name"))
                .isNotBlank().doesNotStartWith("The ").doesNotStartWith("A "));
    }

    /** "Did you mean" names a key that binds: the failure report's names are the metadata's, groups included. */
    @Test
    void theFailureReportKnowsTheMetadatasNames() throws IOException {
        List<String> names = metadata().read("$.properties[?(@.name =~ /pg\\.conn\\..*/)].name");
        assertThat(PgConnPropertyNames.all()).containsExactlyInAnyOrderElementsOf(names)
                .contains("pg.conn.ssl.mode", "pg.conn.keepalive.idle", "pg.conn.health.relogin-interval", "pg.conn.pool.max-size");
    }

    @ParameterizedTest
    @CsvSource({ "pg.conn.ssl.mode, verify-full", "pg.conn.target-session-attrs, prefer-standby",
            "pg.conn.load-balance-hosts, random", "pg.conn.channel-binding, require",
            "pg.conn.ssl.negotiation, direct", "pg.conn.require-auth, scram-sha-256", "pg.conn.ssl.provider, openssl",
            "pg.conn.host-resolver, netty-dns" })
    void enumsHintedInLibpqSpelling(String property, String value) throws IOException {
        List<String> values = metadata().read("$.hints[?(@.name == '" + property + "')].values[*].value");
        assertThat(values).contains(value);
    }

    /** Properties whose default is not one value: derived (database = user), the OS's, or none. */
    private static final Set<String> NO_SINGLE_DEFAULT = Set.of("pg.conn.url", "pg.conn.hosts", "pg.conn.database",
            "pg.conn.username", "pg.conn.password", "pg.conn.application-name", "pg.conn.require-auth",
            "pg.conn.ssl.root-cert", "pg.conn.ssl.cert", "pg.conn.ssl.key", "pg.conn.ssl.key-password",
            "pg.conn.ssl.bundle", "pg.conn.keepalive.idle", "pg.conn.keepalive.interval", "pg.conn.keepalive.count",
            "pg.conn.startup-parameters", "pg.conn.pool.initial-size", "pg.conn.tcp-user-timeout",
            "pg.conn.pool.reset-on-release");

    @Test
    void everyPropertyWithADefaultDocumentsIt() throws IOException {
        List<Map<String, Object>> properties = metadata().read("$.properties[?(@.name =~ /(pg\\.conn|management\\.health\\.pgconn)\\..*/)]");
        assertThat(properties).filteredOn(p -> !NO_SINGLE_DEFAULT.contains((String) p.get("name")))
                .allSatisfy(p -> assertThat(p).as((String) p.get("name")).containsKey("defaultValue"));
    }

    /** The documented defaults are core's: resolved from a config that sets nothing. */
    @Test
    void documentedDefaultsAreCoresDefaults() throws IOException {
        ConnConfig defaults = ConnConfig.builder().build();
        DocumentContext metadata = metadata();
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("pg.conn.target-session-attrs", defaults.targetSessionAttrs().libpqName());
        expected.put("pg.conn.load-balance-hosts", defaults.loadBalanceHosts().libpqName());
        expected.put("pg.conn.channel-binding", defaults.channelBinding().libpqName());
        expected.put("pg.conn.connect-timeout", defaults.connectTimeout().toSeconds() + "s");
        expected.put("pg.conn.host-connect-timeout", defaults.hostConnectTimeout().toSeconds() + "s");
        expected.put("pg.conn.host-recheck-interval", defaults.hostRecheckInterval().toSeconds() + "s");
        expected.put("pg.conn.cancel-grace", defaults.cancelGrace().toSeconds() + "s");
        expected.put("pg.conn.server-error-detail", defaults.serverErrorDetail());
        expected.put("pg.conn.prepared-statement-cache-size", defaults.preparedStatementCacheSize());
        expected.put("pg.conn.extension-types", defaults.extensionTypes());
        expected.put("pg.conn.ssl.mode", defaults.sslMode().libpqName());
        expected.put("pg.conn.ssl.negotiation", defaults.sslNegotiation().libpqName());
        expected.put("pg.conn.ssl.sni", defaults.sslSni());
        expected.put("pg.conn.keepalive.enabled", defaults.keepalives());
        expected.put("pg.conn.pipelining-limit", defaults.pipeliningLimit());
        expected.put("pg.conn.extension-types-required", defaults.extensionTypesRequired());
        expected.put("pg.conn.min-scram-iterations", defaults.minScramIterations());
        expected.put("pg.conn.max-scram-iterations", defaults.maxScramIterations());
        expected.put("pg.conn.blocking-wait-spin", defaults.blockingWaitSpin().toMillis() + "ms");
        expected.put("pg.conn.ssl.provider", defaults.sslProvider().libpqName());
        expected.put("pg.conn.host-resolver", defaults.hostResolver().libpqName());
        expected.forEach((name, value) -> {
            List<Object> documented = metadata.read("$.properties[?(@.name == '" + name + "')].defaultValue");
            assertThat(documented).as(name).containsExactly(value);
        });
    }

    /** The documented sizes are core's, read as Boot reads a DataSize ("1GB" is 2^30 bytes). */
    @Test
    void documentedSizesAreCoresDefaults() throws IOException {
        ConnConfig defaults = ConnConfig.builder().build();
        DocumentContext metadata = metadata();
        Map<String, Integer> expected = Map.of("pg.conn.max-message-size", defaults.maxMessageSize(),
                "pg.conn.pre-auth-max-message-size", defaults.preAuthMaxMessageSize());
        expected.forEach((name, bytes) -> {
            List<String> documented = metadata.read("$.properties[?(@.name == '" + name + "')].defaultValue");
            assertThat(documented).as(name).hasSize(1);
            assertThat(DataSize.parse(documented.get(0)).toBytes()).as(name).isEqualTo(bytes.longValue());
            List<String> types = metadata.read("$.properties[?(@.name == '" + name + "')].type");
            assertThat(types).as(name).containsExactly(DataSize.class.getName());
        });
    }

    @ParameterizedTest
    @CsvSource({ "pg.conn.ssl.root-cert", "pg.conn.ssl.cert", "pg.conn.ssl.key" })
    void filePropertiesAreTypedAsPaths(String property) throws IOException {
        List<String> types = metadata().read("$.properties[?(@.name == '" + property + "')].type");
        assertThat(types).containsExactly("java.nio.file.Path");
    }

    @Test
    void startupCheckDefaultsToWarn() throws IOException {
        List<Object> defaults = metadata().read("$.properties[?(@.name == 'pg.conn.startup-check')].defaultValue");
        assertThat(defaults).containsExactly("warn");
    }

    @Test
    void shutdownTimeoutDefaultIsDocumented() throws IOException {
        List<Object> defaults = metadata().read("$.properties[?(@.name == 'pg.conn.shutdown-timeout')].defaultValue");
        assertThat(defaults).containsExactly("10s");
    }
}
