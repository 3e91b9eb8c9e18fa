package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class PgConnFailureAnalyzerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            // a host (PGHOST, which url and hosts override) and no start-up connect: these tests are about beans
            .withPropertyValues("PGHOST=db.test.invalid", "pg.conn.startup-check=none");

    private FailureAnalysis analyze(String... properties) {
        return FailedStartup.analysis(this.runner.withPropertyValues(properties));
    }

    @Test
    void unknownSslModeNamesPropertyAndLibpqSpellings() {
        FailureAnalysis analysis = analyze("pg.conn.ssl.mode=verify-everything");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.ssl.mode").contains("Value: \"verify-everything\"");
        assertThat(analysis.getAction()).contains("'pg.conn.ssl.mode'")
                .contains("disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Test
    void unknownTargetSessionAttrsListsPreferStandby() {
        FailureAnalysis analysis = analyze("pg.conn.target-session-attrs=writable");
        assertThat(analysis.getAction()).contains("pg.conn.target-session-attrs")
                .contains("any, read-write, read-only, primary, standby, prefer-standby");
    }

    /**
     * New user 6's note: Boot's lenient enum binding took {@code readwrite} for {@code read-write}; the
     * properties that mirror libpq keywords take libpq's spellings only, as libpq does.
     */
    @ParameterizedTest
    @CsvSource({ "pg.conn.target-session-attrs, readwrite, 'any, read-write, read-only, primary, standby, prefer-standby'",
            "pg.conn.target-session-attrs, READ_WRITE, 'any, read-write'",
            "pg.conn.ssl.mode, VERIFY_FULL, 'disable, allow, prefer, require, verify-ca, verify-full'",
            "pg.conn.ssl.mode, verify_full, 'verify-ca, verify-full'",
            "pg.conn.load-balance-hosts, RANDOM, 'disable, random'",
            "pg.conn.channel-binding, Require, 'disable, prefer, require'",
            "pg.conn.ssl.negotiation, DIRECT, 'postgres, direct'", "pg.conn.ssl.provider, JDK, 'auto, jdk, openssl'",
            "pg.conn.host-resolver, netty_dns, 'system, netty-dns'" })
    void aLibpqKeywordsPropertyRefusesASpellingLibpqRefuses(String property, String value, String spellings) {
        FailureAnalysis analysis = analyze(property + "=" + value);
        assertThat(analysis.getDescription()).contains("Property: " + property).contains("Value: \"" + value + "\"")
                .contains("Origin: \"" + property + "\" from property source \"test\"")
                .contains("not one of ").contains(spellings).contains("spelled as libpq spells them");
        assertThat(analysis.getAction()).contains("'" + property + "'").contains(spellings);
    }

    @ParameterizedTest
    @CsvSource({ "pg.conn.target-session-attrs, read-write", "pg.conn.target-session-attrs, prefer-standby",
            "pg.conn.ssl.mode, verify-full", "pg.conn.load-balance-hosts, random", "pg.conn.channel-binding, require",
            "pg.conn.ssl.negotiation, postgres", "pg.conn.ssl.provider, jdk",
            "pg.conn.host-resolver, netty-dns" })
    void aLibpqKeywordsPropertyTakesLibpqsSpelling(String property, String value) {
        this.runner.withPropertyValues(property + "=" + value, "pg.conn.ssl.root-cert=system")
                .run(context -> assertThat(context).hasNotFailed());
    }

    /**
     * REVIEW-11: a value set as the enum constant itself — an object in a property source, as
     * {@code SpringApplication.setDefaultProperties(Map)} or a test's MapPropertySource puts it — was read through
     * {@code String.valueOf} ("VERIFY_FULL") and refused as a misspelling, though Boot binds it as it is.
     */
    @Test
    void aLibpqKeywordsPropertySetAsItsEnumConstantIsTaken() {
        this.runner.withPropertyValues("pg.conn.ssl.root-cert=system")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.MapPropertySource("objects", java.util.Map.of(
                                "pg.conn.ssl.mode", io.pgconn.config.SslMode.VERIFY_FULL,
                                "pg.conn.target-session-attrs", io.pgconn.config.TargetSessionAttrs.READ_WRITE))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(io.pgconn.PgConnectionFactory.class).config().sslMode())
                            .isEqualTo(io.pgconn.config.SslMode.VERIFY_FULL);
                });
    }

    /** An empty value leaves a known key unbound: not "no such property; did you mean" itself. */
    @ParameterizedTest
    @ValueSource(strings = { "pg.conn.ssl.mode", "pg.conn.target-session-attrs" })
    void anEmptyValueOfAKnownPropertyIsReportedAsEmptyNotUnknown(String property) {
        FailureAnalysis analysis = analyze(property + "=");
        assertThat(analysis.getDescription()).startsWith("pgconn property left unbound").contains("Property: " + property)
                .contains("Reason: no value (an empty value sets nothing)").doesNotContain("no such property")
                .doesNotContain("did you mean");
        assertThat(analysis.getAction()).startsWith("Give '" + property + "' a value or remove it").doesNotContain("Rename");
    }

    /** The starter's own enums are not libpq's: Boot's rules (any case, '-' or '_') stay. */
    @Test
    void theStartersOwnEnumsKeepBootsSpellings() {
        this.runner.withPropertyValues("pg.conn.startup-check=NONE", "pg.conn.pool.validation-depth=Remote")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void badHostPortNamesHostsProperty() {
        FailureAnalysis analysis = analyze("pg.conn.hosts=db1:5432,db2:port");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.hosts").contains("Value: \"db2:port\"");
        assertThat(analysis.getAction()).contains("'host:port'").contains("1 to 65535");
    }

    @Test
    void portOutOfRangeNamesHostsProperty() {
        FailureAnalysis analysis = analyze("pg.conn.hosts=db1:70000");
        assertThat(analysis.getDescription()).contains("pg.conn.hosts").contains("70000");
    }

    @Test
    void aCancelGraceOfZeroIsRefusedNamingThePropertyAndWhatItTakes() {
        FailureAnalysis analysis = analyze("pg.conn.cancel-grace=0s");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.cancel-grace").contains("PT0S")
                .contains("expected a duration above 0 and at most 1h");
    }

    /**
     * Session 22's properties: a value that does not fit what core takes is refused naming the property, the value as
     * written and what is expected — a size or duration that core's int cannot hold by the starter, the rest by core's
     * own check (its keyword's name translated to the property's).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            pg.conn.max-message-size=3GB          | pg.conn.max-message-size          | 3GB   | from 0B to 2147483647B
            pg.conn.max-message-size=-1B          | pg.conn.max-message-size          | -1B   | from 0B to 2147483647B
            pg.conn.pre-auth-max-message-size=512B| pg.conn.pre-auth-max-message-size | 512   | expected at least 1024 bytes
            pg.conn.tcp-user-timeout=-1s          | pg.conn.tcp-user-timeout          | -1s   | whole milliseconds from 0
            pg.conn.tcp-user-timeout=1500us       | pg.conn.tcp-user-timeout          | 1500us| whole milliseconds from 0
            pg.conn.tcp-user-timeout=30d          | pg.conn.tcp-user-timeout          | 30d   | to 2147483647ms
            pg.conn.blocking-wait-spin=20ms       | pg.conn.blocking-wait-spin        | PT0.02S | expected a duration from 0 to 10ms
            pg.conn.min-scram-iterations=0        | pg.conn.min-scram-iterations      | 0     | expected at least 1
            """)
    void aConnectionLimitOutOfRangeNamesThePropertyTheValueAndWhatItTakes(String setting, String property, String value,
            String expected) {
        FailureAnalysis analysis = analyze(setting);
        assertThat(analysis.getDescription()).contains("Property: " + property).contains("Value: \"" + value + "\"")
                .contains(expected);
        assertThat(analysis.getAction()).contains("'" + property + "'");
    }

    @Test
    void limitsThatContradictEachOtherNameBothProperties() {
        assertThat(analyze("pg.conn.min-scram-iterations=8000", "pg.conn.max-scram-iterations=5000").getDescription())
                .startsWith("Conflicting values of pgconn properties 'pg.conn.max-scram-iterations' and 'pg.conn.min-scram-iterations'")
                .contains("Property: pg.conn.max-scram-iterations\n    Value: \"5000\"")
                .contains("Property: pg.conn.min-scram-iterations\n    Value: \"8000\"");
        assertThat(analyze("pg.conn.max-message-size=32KB").getDescription())
                .startsWith("Conflicting values of pgconn properties 'pg.conn.max-message-size' and 'pg.conn.pre-auth-max-message-size'")
                .contains("Property: pg.conn.max-message-size\n    Value: \"32768\"");
    }

    @Test
    void mixedRequireAuthListExplainsTheRule() {
        FailureAnalysis analysis = analyze("pg.conn.require-auth=scram-sha-256,!md5");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.require-auth")
                .contains("cannot be mixed");
        assertThat(analysis.getAction()).contains("all plain or all negated");
    }

    @Test
    void badSslModeInsideUrlNamesUrlWithoutEchoingIt() {
        FailureAnalysis analysis = analyze("pg.conn.url=postgresql://u:hunter2@db/app?sslmode=verify-everything");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url").contains("sslmode")
                .contains("verify-full").doesNotContain("hunter2");
        assertThat(analysis.getAction()).doesNotContain("hunter2");
    }

    /** user4's F10: "connect-timeout: 5" meant seconds and was 5 ms. */
    @Test
    void aConnectTimeoutWithoutAUnitBelow100msIsRefusedNamingThePropertyAndTheUnit() {
        FailureAnalysis analysis = analyze("pg.conn.connect-timeout=5");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.connect-timeout").contains("5")
                .contains("a duration without a unit is milliseconds, so this is 5 ms").contains("write 5s for seconds");
        assertThat(analyze("pg.conn.host-connect-timeout=2").getDescription()).contains("Property: pg.conn.host-connect-timeout");
        assertThat(analyze("pg.conn.cancel-grace=5").getDescription()).contains("Property: pg.conn.cancel-grace")
                .contains("so this is 5 ms, too short for a server to answer a cancel request").contains("write 5s for seconds");
    }

    /** Review F3: the raw "${...}" string was checked, so a placeholder resolving to a bare 5 passed as 5 ms. */
    @Test
    void aPlaceholderResolvingToAConnectTimeoutWithoutAUnitIsRefusedNamingTheResolvedValueAndWhereItWasSet() {
        FailureAnalysis analysis = analyze("pg.conn.connect-timeout=${PGCONN_TEST_CONNECT_TIMEOUT:5}");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.connect-timeout\n    Value: \"5\"\n"
                        + "    Origin: \"pg.conn.connect-timeout\" from property source \"test\"")
                .contains("'${PGCONN_TEST_CONNECT_TIMEOUT:5}' resolves to 5 in \"pg.conn.connect-timeout\" from property source \"test\"")
                .contains("a duration without a unit is milliseconds, so this is 5 ms");
        assertThat(analyze("PGCONN_TEST_HOST_TIMEOUT=2", "pg.conn.host-connect-timeout=${PGCONN_TEST_HOST_TIMEOUT:3s}")
                .getDescription()).contains("Property: pg.conn.host-connect-timeout\n    Value: \"2\"")
                .contains("'${PGCONN_TEST_HOST_TIMEOUT:3s}' resolves to 2");
    }

    @Test
    void aPlaceholderResolvingToAConnectTimeoutWithAUnitPasses() {
        this.runner.withPropertyValues("PGCONN_TEST_CONNECT_TIMEOUT=5s",
                        "pg.conn.connect-timeout=${PGCONN_TEST_CONNECT_TIMEOUT:5}",
                        "pg.conn.host-connect-timeout=${PGCONN_TEST_HOST_TIMEOUT:50ms}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    io.pgconn.config.ConnConfig config = context.getBean(io.pgconn.PgConnectionFactory.class).config();
                    assertThat(config.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
                    assertThat(config.hostConnectTimeout()).isEqualTo(java.time.Duration.ofMillis(50));
                });
    }

    /** Review F3, same cause: a conflict showed the other property's placeholder, not the value that conflicts. */
    @Test
    void aConflictShowsThePlaceholdersResolvedValue() {
        FailureAnalysis analysis = analyze("pg.conn.channel-binding=require", "pg.conn.ssl.mode=${PGCONN_TEST_SSL_MODE:disable}");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.ssl.mode\n    Value: \"disable\"")
                .doesNotContain("${PGCONN_TEST_SSL_MODE");
    }

    /** user4's F9: the README's R2DBC URL pasted into pg.conn.url. */
    @Test
    void anR2dbcUrlInPgConnUrlSaysWhatThePropertyTakesWithoutEchoingIt() {
        FailureAnalysis analysis = analyze("pg.conn.url=r2dbc:pgconn://app:hunter2@localhost:34561/app");
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url")
                .contains("pg.conn.url is an R2DBC URL (for ConnectionFactories.get), but it takes a libpq connection string: "
                        + "postgresql://").doesNotContain("hunter2");
        assertThat(analysis.getAction()).doesNotContain("hunter2");
    }

    @Test
    void aConflictNamesBothPropertiesWithTheirValuesAndOrigins() {
        // user3 F5: channel-binding=require in application.yml, then --pg.conn.ssl.mode=disable: only
        // channel-binding was blamed, without an origin, in libpq's spelling
        SpringApplication application = new SpringApplication(BareApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> application.run(
                "--spring.config.location=classpath:conflict/application.yml", "--pg.conn.ssl.mode=disable",
                "--spring.main.banner-mode=off"));
        FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .startsWith("Conflicting values of pgconn properties 'pg.conn.channel-binding' and 'pg.conn.ssl.mode'")
                .contains("Property: pg.conn.channel-binding\n    Value: \"require\"\n    Origin: class path resource [conflict/application.yml]")
                .contains("Property: pg.conn.ssl.mode\n    Value: \"disable\"\n"
                        + "    Origin: \"pg.conn.ssl.mode\" from property source \"commandLineArgs\"")
                .contains("Reason: pg.conn.channel-binding=require cannot be used with pg.conn.ssl.mode=disable")
                .doesNotContain("channel_binding").doesNotContain("sslmode");
        assertThat(analysis.getAction()).startsWith("Change 'pg.conn.channel-binding' or 'pg.conn.ssl.mode'");
    }

    @Test
    void aConflictWithASettingOfTheUrlNamesTheUrlWithoutItsValue() {
        FailureAnalysis analysis = analyze("pg.conn.url=postgresql://app:Sentinel-Url-8d2b7a@db/app?sslmode=disable",
                "pg.conn.channel-binding=require");
        assertThat(analysis.getDescription())
                .startsWith("Conflicting values of pgconn properties 'pg.conn.channel-binding' and 'pg.conn.url'")
                .contains("Origin: \"pg.conn.channel-binding\" from property source \"test\"")
                .contains("Property: pg.conn.url\n    Origin: \"pg.conn.url\" from property source \"test\"")
                .contains("pg.conn.channel-binding=require cannot be used with sslmode=disable")
                .doesNotContain("Sentinel-Url-8d2b7a");
        assertThat(analysis.getAction()).doesNotContain("Sentinel-Url-8d2b7a");
    }

    @Test
    void aDirectNegotiationConflictNamesSslModeAndSslNegotiation() {
        FailureAnalysis analysis = analyze("pg.conn.ssl.negotiation=direct", "pg.conn.ssl.mode=prefer");
        assertThat(analysis.getDescription())
                .startsWith("Conflicting values of pgconn properties 'pg.conn.ssl.mode' and 'pg.conn.ssl.negotiation'")
                .contains("Property: pg.conn.ssl.negotiation\n    Value: \"direct\"")
                .contains("may not be used with pg.conn.ssl.negotiation=direct");
    }

    @Test
    void otherFailuresAreLeftToBoot() {
        assertThat(new PgConnFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
    }

    @Test
    void bootReportsApplicationFailedToStart(CapturedOutput output) {
        SpringApplication application = new SpringApplication(BareApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--pg.conn.ssl.mode=verify-everything",
                "--spring.main.banner-mode=off"));
        assertThat(output).contains("APPLICATION FAILED TO START").contains("Property: pg.conn.ssl.mode")
                .contains("Action:").contains("disable, allow, prefer, require, verify-ca, verify-full");
    }

    @ParameterizedTest
    @ValueSource(strings = { "postgresql://app:Sentinel-Url-8d2b7a@db:notaport/orders",
            "postgresql://app:Sentinel-Url-8d2b7a@db:70000/orders",
            "postgresql://app:Sentinel-Url-8d2b7a@db/orders?sslmode=verify-everything",
            "postgresql://app:Sentinel-Url-8d2b7a@db/orders?no_such_option=1",
            "postgresql://app:Sentinel-Url-8d2b7a@db/orders?connect_timeout=soon",
            "postgresql://app:Sentinel-Url-8d2b7a%zz@db/orders",
            "postgresql://db/orders?password=Sentinel-Url-8d2b7a&target_session_attrs=writable",
            "mysql://app:Sentinel-Url-8d2b7a@db/orders",
            "host=db password=Sentinel-Url-8d2b7a sslmode=bogus",
            "host=db password='Sentinel-Url-8d2b7a",
            "host=db password=Sentinel-Url-8d2b7a channel_binding=require sslmode=disable" })
    void badUrlIsReportedWithoutItsPassword(String url, CapturedOutput output) {
        SpringApplication application = new SpringApplication(BareApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(java.util.Map.of("pg.conn.url", url, "spring.main.banner-mode", "off",
                "logging.level.root", "DEBUG", "logging.level.io.pgconn", "TRACE"));
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(application::run);
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysed").isNotNull();
        assertThat(analysis.getDescription()).contains("pg.conn.url").doesNotContain("Sentinel-Url-8d2b7a");
        assertThat(analysis.getAction()).doesNotContain("Sentinel-Url-8d2b7a");
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("Sentinel-Url-8d2b7a");
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START").doesNotContain("Sentinel-Url-8d2b7a");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PgConnAutoConfiguration.class)
    static class BareApplication {
    }
}
