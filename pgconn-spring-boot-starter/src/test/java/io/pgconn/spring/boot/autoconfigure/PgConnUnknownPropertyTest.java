package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every {@code pg.conn.*} key is pgconn's: an unknown one fails start-up naming the key, its origin
 * and the nearest property (user3 F2: a typo of target-session-attrs sent writes to the primary
 * without a trace), while every legal spelling of a known key still binds and a map's keys stay free.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnUnknownPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db.test.invalid:5432", "pg.conn.startup-check=none");

    private static Throwable startWith(String... args) {
        SpringApplication application = new SpringApplication(BareApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        Throwable failure = catchThrowable(() -> application.run(args));
        assertThat(failure).as("start-up failure").isNotNull();
        return failure;
    }

    private static FailureAnalysis analysisOf(Throwable failure) {
        FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        return analysis;
    }

    @Test
    void aMistypedTargetSessionAttrsFailsStartUpWithItsOriginAndTheNearestProperty(CapturedOutput output) {
        FailureAnalysis analysis = analysisOf(startWith("--pg.conn.hosts=db.test.invalid:5432", "--pg.conn.startup-check=none",
                "--pg.conn.target-sesion-attrs=read-only", "--spring.main.banner-mode=off"));
        assertThat(analysis.getDescription()).startsWith("Unknown pgconn property")
                .contains("Property: pg.conn.target-sesion-attrs")
                .contains("Origin: \"pg.conn.target-sesion-attrs\" from property source \"commandLineArgs\"")
                .contains("did you mean 'pg.conn.target-session-attrs'?");
        assertThat(analysis.getAction()).contains("Rename 'pg.conn.target-sesion-attrs' to 'pg.conn.target-session-attrs'");
        assertThat(output).contains("APPLICATION FAILED TO START").contains("did you mean 'pg.conn.target-session-attrs'?");
    }

    @Test
    void aMistypedPasswordKeyIsNamedButItsValueNeverShown(CapturedOutput output) {
        Throwable failure = startWith("--pg.conn.hosts=db.test.invalid:5432", "--pg.conn.startup-check=none",
                "--pg.conn.pasword=Sentinel-Typo-Pw-71c3", "--spring.main.banner-mode=off");
        FailureAnalysis analysis = analysisOf(failure);
        assertThat(analysis.getDescription()).contains("Property: pg.conn.pasword")
                .contains("did you mean 'pg.conn.password'?").doesNotContain("Sentinel-Typo-Pw-71c3");
        assertThat(analysis.getAction()).doesNotContain("Sentinel-Typo-Pw-71c3");
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("Sentinel-Typo-Pw-71c3");
        assertThat(output.getAll()).contains("pg.conn.pasword").doesNotContain("Sentinel-Typo-Pw-71c3");
    }

    @Test
    void everyUnknownKeyIsListedAndNestedOnesGetTheirNearestProperty() {
        this.runner.withPropertyValues("pg.conn.ssl.root-crt=/etc/ca.pem", "pg.conn.pool.max-sise=5",
                "pg.conn.keepalive.intreval=5s").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = analysisOf(context.getStartupFailure());
                    assertThat(analysis.getDescription()).startsWith("Unknown pgconn properties")
                            .contains("Property: pg.conn.ssl.root-crt", "did you mean 'pg.conn.ssl.root-cert'?")
                            .contains("Property: pg.conn.pool.max-sise", "did you mean 'pg.conn.pool.max-size'?")
                            .contains("Property: pg.conn.keepalive.intreval", "did you mean 'pg.conn.keepalive.interval'?")
                            .contains("from property source \"test\"");
                });
    }

    @Test
    void aKeyFarFromEveryPropertyIsReportedWithoutAGuess() {
        this.runner.withPropertyValues("pg.conn.frobnicate-everything=yes").run(context -> {
            FailureAnalysis analysis = analysisOf(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: pg.conn.frobnicate-everything")
                    .contains("Reason: no such property").doesNotContain("did you mean");
            assertThat(analysis.getAction()).contains("Remove 'pg.conn.frobnicate-everything' or correct its name");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "pg.conn.target-session-attrs", "pg.conn.targetSessionAttrs", "pg.conn.target_session_attrs",
            "pg.conn.TARGET-SESSION-ATTRS" })
    void everyRelaxedSpellingOfAKnownKeyStillBinds(String key) {
        this.runner.withPropertyValues(key + "=read-only").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PgConnProperties.class).getTargetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_ONLY);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "PG_CONN_TARGET_SESSION_ATTRS", "PG_CONN_TARGETSESSIONATTRS" })
    void environmentVariablesOfKnownKeysBind(String variable) {
        this.runner.withInitializer(context -> context.getEnvironment().getPropertySources().replace(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of(variable, "read-only", "PG_CONN_SSL_ROOT_CERT", "/etc/ca.pem", "PG_CONN_POOL_MAX_SIZE", "3"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    PgConnProperties properties = context.getBean(PgConnProperties.class);
                    assertThat(properties.getTargetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_ONLY);
                    assertThat(properties.getSsl().getRootCert()).isEqualTo(Path.of("/etc/ca.pem"));
                    assertThat(properties.getPool().getMaxSize()).isEqualTo(3);
                });
    }

    private ApplicationContextRunner withVariables(Map<String, Object> variables) {
        return this.runner.withInitializer(context -> context.getEnvironment().getPropertySources().replace(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)));
    }

    /**
     * Boot's unknown-key check leaves out the process environment: pgconn checks its PG_CONN_* variables
     * itself. A mistyped one fails start-up named with the nearest variable, its value never shown (it
     * started with PG_CONN_PASWORD ignored: the connect then failed for a missing password, or worse,
     * PG_CONN_TARGET_SESION_ATTRS sent writes to the primary).
     */
    @Test
    void aMistypedEnvironmentVariableFailsStartUpNamedButItsValueNeverShown() {
        withVariables(Map.of("PG_CONN_PASWORD", "Sentinel-Env-Pw-5e2a", "PG_CONN_TARGET_SESION_ATTRS", "read-only",
                "PG_CONN_FROBNICATE", "x", "PG_CONNECTION_OTHER_TOOL", "y", "PGCONN_X", "z")).run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = analysisOf(failure);
                    assertThat(analysis.getDescription()).startsWith("Unknown pgconn environment variables")
                            .contains("Variable: PG_CONN_PASWORD", "did you mean 'PG_CONN_PASSWORD' (pg.conn.password)?")
                            .contains("Variable: PG_CONN_TARGET_SESION_ATTRS",
                                    "did you mean 'PG_CONN_TARGET_SESSION_ATTRS' (pg.conn.target-session-attrs)?")
                            .contains("Variable: PG_CONN_FROBNICATE\n    Reason: binds to no pg.conn.* property\n")
                            .doesNotContain("PG_CONNECTION_OTHER_TOOL").doesNotContain("PGCONN_X")
                            .doesNotContain("Sentinel-Env-Pw-5e2a");
                    assertThat(analysis.getAction()).contains("Rename the environment variable 'PG_CONN_PASWORD' to 'PG_CONN_PASSWORD'")
                            .contains("Unset the environment variable 'PG_CONN_FROBNICATE'").doesNotContain("Sentinel-Env-Pw-5e2a");
                    java.io.StringWriter trace = new java.io.StringWriter();
                    failure.printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).contains("PG_CONN_PASWORD").doesNotContain("Sentinel-Env-Pw-5e2a");
                });
    }

    @Test
    void everyVariableThatBindsPassesTheCheck() {
        withVariables(Map.of("PG_CONN_TARGETSESSIONATTRS", "read-only", "PG_CONN_HOSTS_0", "db9.test.invalid:5432",
                "PG_CONN_STARTUP_PARAMETERS_SEARCH_PATH", "app", "PG_CONN_SSL_KEY_PASSWORD", "k", "PG_CONN_POOL_MAXSIZE", "3",
                "PG_CONN_HEALTH_HOST_CHECK_INTERVAL", "2s")).run(context -> {
                    assertThat(context).hasNotFailed();
                    PgConnProperties properties = context.getBean(PgConnProperties.class);
                    assertThat(properties.getTargetSessionAttrs()).isEqualTo(TargetSessionAttrs.READ_ONLY);
                    assertThat(properties.getPool().getMaxSize()).isEqualTo(3);
                });
        assertThat(PgConnPropertyNames.bindsVariable("PG_CONN_HOSTS")).isTrue();
        assertThat(PgConnPropertyNames.bindsVariable("PG_CONN_HOSTS_X")).isFalse();
        assertThat(PgConnPropertyNames.variableOf("pg.conn.ssl.root-cert")).isEqualTo("PG_CONN_SSL_ROOT_CERT");
    }

    /** Boot's check leaves out system properties (shared with everything else), and so does pgconn: documented. */
    @Test
    void unknownKeysFromSystemPropertiesAreNotChecked() {
        this.runner.withSystemProperties("pg.conn.pasword=x").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theKeysOfStartupParametersAreFreeAndListsBindByIndex() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.startup-check=none", "pg.conn.startup-parameters.search_path=app,public", "pg.conn.startup-parameters[work_mem]=64MB",
                "pg.conn.hosts[0]=db1.test.invalid:5432", "pg.conn.hosts[1]=db2.test.invalid:5432").run(context -> {
                    assertThat(context).hasNotFailed();
                    PgConnProperties properties = context.getBean(PgConnProperties.class);
                    assertThat(properties.getStartupParameters()).containsEntry("search_path", "app,public")
                            .containsEntry("work_mem", "64MB");
                    assertThat(properties.getHosts()).containsExactly("db1.test.invalid:5432", "db2.test.invalid:5432");
                });
    }

    @Test
    void poolAndHealthKeysAreKnownWithoutTheR2dbcAutoConfiguration() {
        this.runner.withPropertyValues("pg.conn.pool.max-size=4", "pg.conn.pool.validation-depth=remote",
                "pg.conn.health.host-check-interval=2s").run(context -> {
                    assertThat(context).hasNotFailed();
                    PgConnProperties properties = context.getBean(PgConnProperties.class);
                    assertThat(properties.getPool().getMaxSize()).isEqualTo(4);
                    assertThat(properties.getPool().getValidationDepth()).isEqualTo(PgConnPoolProperties.ValidationDepth.REMOTE);
                    assertThat(properties.getHealth().getHostCheckInterval()).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void sslRootcertWithoutTheDashIsARelaxedSpellingOfRootCert() {
        // user3's "typo" pg.conn.ssl.rootcert: Boot's relaxed binding ignores dashes, so it binds as root-cert
        this.runner.withPropertyValues("pg.conn.ssl.rootcert=/etc/ca.pem").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PgConnProperties.class).getSsl().getRootCert()).isEqualTo(Path.of("/etc/ca.pem"));
        });
    }

    @Test
    void theNearestPropertyIgnoresCaseDashesAndUnderscoresAndStopsAtAMapsName() {
        assertThat(PgConnPropertyNames.nearest("pg.conn.pasword")).isEqualTo("pg.conn.password");
        assertThat(PgConnPropertyNames.nearest("pg.conn.targetSesionAttrs")).isEqualTo("pg.conn.target-session-attrs");
        assertThat(PgConnPropertyNames.nearest("pg.conn.ssl.root_certs")).isEqualTo("pg.conn.ssl.root-cert");
        assertThat(PgConnPropertyNames.nearest("pg.conn.startup-parameter.search_path")).isEqualTo("pg.conn.startup-parameters");
        assertThat(PgConnPropertyNames.nearest("pg.conn.frobnicate-everything")).isNull();
        assertThat(PgConnPropertyNames.all()).contains("pg.conn.url", "pg.conn.ssl.key-password", "pg.conn.keepalive.count",
                "pg.conn.health.close-connections-when-unresponsive", "pg.conn.pool.validation-depth", "pg.conn.startup-parameters")
                .doesNotContain("pg.conn.ssl", "pg.conn.pool", "pg.conn.health");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PgConnAutoConfiguration.class)
    static class BareApplication {
    }
}
