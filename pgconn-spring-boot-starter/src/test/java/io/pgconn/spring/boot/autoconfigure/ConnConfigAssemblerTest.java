package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import io.pgconn.config.ConnConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.env.MockEnvironment;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which property a core configuration error is about (read from its keyword, never from its
 * message), and the {@code application_name} default from {@code spring.application.name}.
 */
class ConnConfigAssemblerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            sslmode                  | pg.conn.ssl.mode
            channel_binding          | pg.conn.channel-binding
            extensionTypes           | pg.conn.extension-types
            cancelGrace              | pg.conn.cancel-grace
            serverErrorDetail        | pg.conn.server-error-detail
            preparedStatementCacheSize | pg.conn.prepared-statement-cache-size
            maxMessageSize           | pg.conn.max-message-size
            preAuthMaxMessageSize    | pg.conn.pre-auth-max-message-size
            minScramIterations       | pg.conn.min-scram-iterations
            maxScramIterations       | pg.conn.max-scram-iterations
            extensionTypesRequired   | pg.conn.extension-types-required
            tcp_user_timeout         | pg.conn.tcp-user-timeout
            blockingWaitSpin         | pg.conn.blocking-wait-spin
            sslProvider              | pg.conn.ssl.provider
            hostResolver             | pg.conn.host-resolver
            startupParameters        | pg.conn.startup-parameters
            port                     | pg.conn.hosts
            password                 | pg.conn.password
            ssl_min_protocol_version | pg.conn.url
            null                     | pg.conn
            """)
    void namesThePropertyBehindTheKeyword(String keyword, String property) {
        // a message naming another setting must not mislead
        PgConfigException e = new PgConfigException(null, keyword, "x", "sslmode and channel_binding disagree");
        assertThat(KeywordProperties.propertyFor(e)).isEqualTo(property);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            spring.application.name alone is the default | orders | null    | null                                        | orders
            pg.conn.application-name wins                | orders | billing | null                                        | billing
            the URL's application_name wins              | orders | null    | postgresql://db1/app?application_name=batch | batch
            an empty pg.conn.application-name sends none | orders | ''      | null                                        | null
            neither: none (libpq's default)              | null   | null    | null                                        | null
            a blank spring.application.name is none      | '  '   | null    | null                                        | null
            """)
    void applicationNameDefaultsToSpringApplicationName(String name, String springName, String property, String url,
            String expected) {
        PgConnProperties properties = new PgConnProperties();
        properties.setHosts(List.of("db1:5432"));
        properties.setApplicationName(property);
        properties.setUrl(url);
        MockEnvironment environment = new MockEnvironment();
        if (springName != null) {
            environment.setProperty("spring.application.name", springName);
        }
        ConnConfig config = ConnConfigAssembler.assemble(properties, new PropertiesPgConnConnectionDetails(properties, environment),
                List.of(), environment);
        assertThat(config.applicationName()).isEqualTo(expected);
    }

    @Test
    void aCustomizersApplicationNameWinsOverSpringApplicationName() {
        PgConnProperties properties = new PgConnProperties();
        properties.setHosts(List.of("db1:5432"));
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "orders");
        ConnConfig config = ConnConfigAssembler.assemble(properties, new PropertiesPgConnConnectionDetails(properties, environment),
                List.of(builder -> builder.applicationName("custom")), environment);
        assertThat(config.applicationName()).isEqualTo("custom");
    }

    /**
     * New user 19's F2: an empty {@code pg.conn.password} (the usual {@code password: ${DB_PASSWORD:}} with the variable
     * unset) replaced the password in {@code pg.conn.url} with none, and the login then failed with "no password was
     * supplied". An empty value sets nothing, as for every other key: the URL's stays (seen failing before: null) —
     * likewise username, database and ssl.key-password.
     */
    @Test
    void anEmptyIdentityPropertySetsNothingSoTheUrlsValueStays() {
        PgConnProperties properties = new PgConnProperties();
        properties.setUrl("postgresql://app:s3cret@db1:5432/shop?sslpassword=keypw");
        properties.setPassword("");
        properties.setUsername("");
        properties.setDatabase("");
        properties.getSsl().setKeyPassword("");
        MockEnvironment environment = new MockEnvironment();
        ConnConfig config = ConnConfigAssembler.assemble(properties, new PropertiesPgConnConnectionDetails(properties, environment),
                List.of(), environment);
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.user()).isEqualTo("app");
        assertThat(config.database()).isEqualTo("shop");
        assertThat(config.sslPassword()).isEqualTo("keypw");

        properties.setPassword("other");
        assertThat(ConnConfigAssembler.assemble(properties, new PropertiesPgConnConnectionDetails(properties, environment), List.of(),
                environment).password()).as("a value still wins over the URL's").isEqualTo("other");
    }
}
