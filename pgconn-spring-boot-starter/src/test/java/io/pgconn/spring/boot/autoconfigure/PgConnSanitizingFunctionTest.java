package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PgConnSanitizingFunctionTest {

    private final PgConnSanitizingFunction function = new PgConnSanitizingFunction();

    private Object sanitize(String key, Object value) {
        return this.function.apply(new SanitizableData(null, key, value)).getValue();
    }

    @ParameterizedTest
    @CsvSource({ "pg.conn.password", "pg.conn.ssl.key-password", "pg.conn.ssl.keyPassword", "PG_CONN_PASSWORD",
            "PG_CONN_SSL_KEYPASSWORD", "pg.conn.Password" })
    void passwordsAreHiddenWhole(String key) {
        assertThat(sanitize(key, "hunter2")).isEqualTo(SanitizableData.SANITIZED_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgresql://app:hunter2@db1:5432,db2:5432/orders?sslmode=verify-full | postgresql://app:******@db1:5432,db2:5432/orders?sslmode=verify-full",
            "postgres://app:hun@ter2@db1/orders | postgres://app:******@db1/orders",
            "postgresql://db1:5432,db2:5433/orders?user=app&password=hunter2&sslmode=require | postgresql://db1:5432,db2:5433/orders?user=app&password=******&sslmode=require",
            "postgresql://db1/orders?sslpassword=hunter2 | postgresql://db1/orders?sslpassword=******",
            "host=db1 password=hunter2 dbname=orders | host=db1 password=****** dbname=orders",
            "host=db1 password = 'hun ter\\'2' dbname=orders | host=db1 password = ****** dbname=orders",
            "postgresql://db1:5432,db2:5432/orders?user=a@b | postgresql://db1:5432,db2:5432/orders?user=a@b",
            // libpq takes everything up to the '@' before the host list as user info: '#', '?', '"', spaces included
            "postgresql://app:hun#ter2@db1/orders | postgresql://app:******@db1/orders",
            "postgresql://app:hun?ter2@db1/orders | postgresql://app:******@db1/orders",
            "postgresql://app:hun ter2@db1/orders?sslmode=require | postgresql://app:******@db1/orders?sslmode=require",
            "postgresql://app:hun\"ter2@db1/orders | postgresql://app:******@db1/orders",
            "postgresql://app:hun%40ter2@db1,db2/orders | postgresql://app:******@db1,db2/orders",
            "postgresql://app:hun%40ter2@db1 | postgresql://app:******@db1" })
    void urlKeepsEverythingButThePassword(String url, String expected) {
        assertThat(sanitize("pg.conn.url", url)).isEqualTo(expected);
    }

    @Test
    void otherKeysAreLeftAlone() {
        assertThat(sanitize("pg.conn.username", "hunter2")).isEqualTo("hunter2");
        assertThat(sanitize("spring.datasource.url", "postgresql://a:hunter2@db/x")).isEqualTo("postgresql://a:hunter2@db/x");
    }

    @Test
    void aSecretsValueIsHiddenUnderAnyKey() {
        PgConnSanitizingFunction bound = new PgConnSanitizingFunction(() -> List.of("hunter2", "", "pw"));
        assertThat(bound.apply(new SanitizableData(null, "ORDERS_DB_PASSWORD", "hunter2")).getValue())
                .isEqualTo(SanitizableData.SANITIZED_VALUE);
        assertThat(bound.apply(new SanitizableData(null, "DATABASE_URL", "postgresql://app:hunter2@db/x")).getValue())
                .isEqualTo("postgresql://app:******@db/x");
        assertThat(bound.apply(new SanitizableData(null, "SCRIPT", "echo hunter2 | psql")).getValue())
                .isEqualTo("echo ****** | psql");
        // a short secret is hidden only as a whole value: inside other text it would mask ordinary words
        assertThat(bound.apply(new SanitizableData(null, "OTHER_PW", "pw")).getValue())
                .isEqualTo(SanitizableData.SANITIZED_VALUE);
        assertThat(bound.apply(new SanitizableData(null, "HOME", "/home/pwsh")).getValue()).isEqualTo("/home/pwsh");
        assertThat(bound.apply(new SanitizableData(null, "server.port", 8080)).getValue()).isEqualTo(8080);
        assertThat(bound.apply(new SanitizableData(null, "EMPTY", "")).getValue()).isEqualTo("");
    }

    @Test
    void thePasswordAPlaceholderResolvedIsHiddenWhereItCameFrom() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none",
                        "ORDERS_DB_PASSWORD=s3cret-Pass", "pg.conn.password=${ORDERS_DB_PASSWORD}",
                        "KEY_PW=key-Pass-9", "pg.conn.ssl.key-password=${KEY_PW}",
                        "pg.conn.url=postgresql://app:url-Pass-7@db.test.invalid/orders")
                .run(context -> {
                    SanitizingFunction function = context.getBean(PgConnSanitizingFunction.class);
                    for (String[] entry : new String[][] { { "ORDERS_DB_PASSWORD", "s3cret-Pass" },
                            { "KEY_PW", "key-Pass-9" }, { "URL_PW", "url-Pass-7" } }) {
                        assertThat(function.apply(new SanitizableData(null, entry[0], entry[1])).getValue())
                                .as(entry[0]).isEqualTo(SanitizableData.SANITIZED_VALUE);
                    }
                    assertThat(function.apply(new SanitizableData(null, "PGHOST", "db.test.invalid")).getValue())
                            .isEqualTo("db.test.invalid");
                });
    }

    /**
     * The env endpoint asks the function for every property it shows: the secrets (the URL parsed for its passwords)
     * are worked out once and again only when the bound properties change (a rebind). Seen failing before: each call
     * worked them out anew (a new list each time).
     */
    @Test
    void theSecretsAreWorkedOutOnceUntilThePropertiesChange() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none", "pg.conn.password=first-Pass",
                        "pg.conn.url=postgresql://app:url-Pass-7@db.test.invalid/orders")
                .run(context -> {
                    PgConnSanitizingFunction function = context.getBean(PgConnSanitizingFunction.class);
                    var secrets = function.secrets();
                    assertThat(secrets).contains("first-Pass", "url-Pass-7");
                    for (int i = 0; i < 3; i++) {
                        function.apply(new SanitizableData(null, "PROPERTY_" + i, "value " + i));
                    }
                    assertThat(function.secrets()).as("not worked out again").isSameAs(secrets);
                    PgConnProperties properties = context.getBean(PgConnProperties.class);
                    properties.setPassword("second-Pass");
                    assertThat(function.secrets()).contains("second-Pass", "url-Pass-7").doesNotContain("first-Pass");
                    properties.setUrl("postgresql://app:url-Pass-8@db.test.invalid/orders");
                    assertThat(function.secrets()).contains("second-Pass", "url-Pass-8").doesNotContain("url-Pass-7");
                    properties.getSsl().setKeyPassword("key-Pass-9");
                    assertThat(function.secrets()).contains("key-Pass-9");
                    assertThat(function.apply(new SanitizableData(null, "KEY_PW", "key-Pass-9")).getValue())
                            .isEqualTo(SanitizableData.SANITIZED_VALUE);
                });
    }

    /** REVIEW-21 ST-4: the worked-out secrets' toString (a debugger's, a log line's) holds none of them. */
    @Test
    void theWorkedOutSecretsPrintNoSecret() {
        PgConnProperties properties = new PgConnProperties();
        properties.setPassword("pw-hidden-1");
        properties.setUrl("postgresql://app:url-hidden-2@db.test.invalid/orders");
        properties.getSsl().setKeyPassword("key-hidden-3");
        BoundPropertySecrets secrets = new BoundPropertySecrets(properties);
        assertThat(secrets.get()).contains("pw-hidden-1", "url-hidden-2", "key-hidden-3");
        assertThat(secrets.toString()).contains(" secrets]").doesNotContain("hidden");
    }

    @Test
    void registeredWithActuatorAndBacksOff() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");
        runner.run(context -> assertThat(context).hasSingleBean(PgConnSanitizingFunction.class)
                .hasBean("pgConnSanitizingFunction"));
        runner.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
                .run(context -> assertThat(context).doesNotHaveBean(PgConnSanitizingFunction.class));
        runner.withBean("pgConnSanitizingFunction", SanitizingFunction.class, () -> data -> data)
                .run(context -> assertThat(context).doesNotHaveBean(PgConnSanitizingFunction.class));
    }
}
