package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conflict report never carries a secret's value (review-8 F9): a secret setting of the conflict is
 * named by its property and origin only, even when its value is a placeholder the report would
 * otherwise resolve (core raises no such conflict today; this is the contract for when it does).
 */
class ConflictReportTest {

    private static final String KEY_PASSWORD = "Sentinel-KeyPassword-5e1c";
    private static final String PASSWORD = "Sentinel-Password-93af";

    private final MockEnvironment environment = new MockEnvironment()
            .withProperty("PGCONN_TEST_KEY_PASSWORD", KEY_PASSWORD)
            .withProperty("PGCONN_TEST_PASSWORD", PASSWORD)
            .withProperty("pg.conn.ssl.key-password", "${PGCONN_TEST_KEY_PASSWORD}")
            .withProperty("pg.conn.password", "${PGCONN_TEST_PASSWORD}")
            .withProperty("pg.conn.ssl.mode", "disable");

    private final PgConnProperties properties = boundProperties();

    private static PgConnProperties boundProperties() {
        PgConnProperties properties = new PgConnProperties();
        properties.setPassword(PASSWORD);
        properties.getSsl().setKeyPassword(KEY_PASSWORD);
        return properties;
    }

    @Test
    void aSecretPropertyThatConflictsIsNamedWithItsOriginButNotItsValue() {
        InvalidPgConnPropertyException report = ConflictReport.of(PgConfigException.ofConflict("sslmode", "disable",
                List.of("sslpassword", "password"), "sslmode=disable makes sslpassword and password pointless"),
                this.properties, this.environment);

        assertThat(report.getProperty()).isEqualTo("pg.conn.ssl.mode");
        assertThat(report.getValue()).isEqualTo("disable");
        assertThat(report.getConflictsWith()).extracting(InvalidPgConnPropertyException.ConflictingProperty::property)
                .containsExactly("pg.conn.ssl.key-password", "pg.conn.password");
        assertThat(report.getConflictsWith()).allSatisfy(c -> {
            assertThat(c.value()).as(c.property()).isNull();
            assertThat(c.origin()).as(c.property()).isNotNull();
        });
        assertNoSecretIn(report);
    }

    @Test
    void aConflictAboutASecretPropertyNamesItWithItsOriginButNotItsValue() {
        // core never gives a secret's value; the report must not look it up either
        InvalidPgConnPropertyException report = ConflictReport.of(PgConfigException.ofConflict("sslpassword", KEY_PASSWORD,
                List.of("sslmode"), "sslpassword cannot be used with sslmode=disable"), this.properties, this.environment);

        assertThat(report.getProperty()).isEqualTo("pg.conn.ssl.key-password");
        assertThat(report.getValue()).isNull();
        assertThat(report.getOrigin()).isNotNull();
        assertThat(report.getConflictsWith()).singleElement().satisfies(c -> {
            assertThat(c.property()).isEqualTo("pg.conn.ssl.mode");
            assertThat(c.value()).isEqualTo("disable");
        });
        assertNoSecretIn(report);
    }

    private static void assertNoSecretIn(InvalidPgConnPropertyException report) {
        FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(report);
        assertThat(analysis).isNotNull();
        for (String text : List.of(String.valueOf(report.getMessage()), analysis.getDescription(), analysis.getAction())) {
            assertThat(text).doesNotContain(KEY_PASSWORD).doesNotContain(PASSWORD).doesNotContain("${PGCONN_TEST");
        }
    }
}
