package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code pg.conn.*} placeholder nothing resolves fails start-up naming the property, where it was
 * set and the placeholder, never the value: Boot's binder binds the placeholder's text, so an unset
 * {@code DB_PASSWORD} was sent as the password {@code ${DB_PASSWORD}} and only the server's refusal told.
 */
class PgConnUnresolvedPlaceholderTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.ssl.mode=disable", "pg.conn.startup-check=none");

    private FailureAnalysis failureOf(String... properties) {
        return FailedStartup.analysis(this.runner.withPropertyValues(properties));
    }

    @Test
    void anUnsetPasswordPlaceholderFailsStartUpNamingThePropertyAndThePlaceholder() {
        FailureAnalysis analysis = failureOf("pg.conn.hosts=db1:5432", "pg.conn.password=${PGCONN_TEST_UNSET_PASSWORD}");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.password\n")
                .contains("Origin: \"pg.conn.password\" from property source \"test\"")
                .contains("its placeholder '${PGCONN_TEST_UNSET_PASSWORD}' is not resolved")
                .doesNotContain("Value:");
        assertThat(analysis.getAction()).contains("'pg.conn.password'").contains("set 'PGCONN_TEST_UNSET_PASSWORD'");
    }

    @Test
    void anUnsetPlaceholderInTheUrlIsNamedWithoutTheRestOfTheUrl() {
        FailureAnalysis analysis = failureOf("pg.conn.url=postgresql://app:Sentinel-Url-3f9a@${PGCONN_TEST_UNSET_HOST}/app");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url\n")
                .contains("'${PGCONN_TEST_UNSET_HOST}' is not resolved").doesNotContain("Sentinel-Url-3f9a");
        assertThat(analysis.getAction()).doesNotContain("Sentinel-Url-3f9a");
    }

    @Test
    void placeholdersThatResolveOrHaveADefaultPass() {
        this.runner.withPropertyValues("PGCONN_TEST_HOST=db1.test.invalid", "pg.conn.hosts=${PGCONN_TEST_HOST}:5432",
                        "pg.conn.password=${PGCONN_TEST_UNSET_PASSWORD:fallback-Pa55}", "pg.conn.username=${PGCONN_TEST_USER:app}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    io.pgconn.config.ConnConfig config = context.getBean(PgConnectionFactory.class).config();
                    assertThat(config.hosts().get(0).host()).isEqualTo("db1.test.invalid");
                    assertThat(config.password()).isEqualTo("fallback-Pa55");
                    assertThat(config.user()).isEqualTo("app");
                });
    }
}
