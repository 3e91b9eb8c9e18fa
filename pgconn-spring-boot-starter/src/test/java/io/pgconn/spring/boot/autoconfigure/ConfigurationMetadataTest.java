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

    @ParameterizedTest
    @CsvSource({ "pg.conn.ssl.mode, verify-full", "pg.conn.target-session-attrs, prefer-standby",
            "pg.conn.load-balance-hosts, random", "pg.conn.channel-binding, require",
            "pg.conn.ssl.negotiation, direct", "pg.conn.require-auth, scram-sha-256" })
    void enumsHintedInLibpqSpelling(String property, String value) throws IOException {
        List<String> values = metadata().read("$.hints[?(@.name == '" + property + "')].values[*].value");
        assertThat(values).contains(value);
    }

    @Test
    void shutdownTimeoutDefaultIsDocumented() throws IOException {
        List<Object> defaults = metadata().read("$.properties[?(@.name == 'pg.conn.shutdown-timeout')].defaultValue");
        assertThat(defaults).containsExactly("10s");
    }
}
