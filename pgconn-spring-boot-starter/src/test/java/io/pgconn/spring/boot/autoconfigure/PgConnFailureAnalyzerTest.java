package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
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
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class));

    private FailureAnalysis analyze(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new PgConnFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("analysis").isNotNull();
        return analysis[0];
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

    @Test
    void invalidCombinationNamesTheProperty() {
        FailureAnalysis analysis = analyze("pg.conn.ssl.mode=disable", "pg.conn.channel-binding=require");
        assertThat(analysis.getDescription()).contains("channel_binding=require");
        assertThat(analysis.getDescription()).contains("pg.conn.");
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

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PgConnAutoConfiguration.class)
    static class BareApplication {
    }
}
