package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcInitializationAutoConfiguration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code pg.conn.startup-check} against a real server with a wrong password, and with the right one. */
@ExtendWith(OutputCaptureExtension.class)
class PgConnStartupCheckIT {

    private static final String WRONG_PASSWORD = "not-the-Pa55word";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-startup", 0);

    private ApplicationContextRunner runner(String password) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + password, "pg.conn.extension-types=", "pg.conn.connect-timeout=5s");
    }

    @Test
    void warnLogsTheHostAndTheServersReasonAndStarts(CapturedOutput output) {
        runner(WRONG_PASSWORD).run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                    .contains("WARN").contains("could not connect to " + StarterCluster.label(PG.primary()))
                    .contains("password authentication failed"));
        });
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    @Test
    void failReportsTheHostAndTheServersReasonNeverThePassword(CapturedOutput output) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner(WRONG_PASSWORD).withPropertyValues("pg.conn.startup-check=fail").run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new PgConnFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0].getDescription()).contains("Hosts: " + StarterCluster.label(PG.primary()))
                .contains("password authentication failed").doesNotContain(WRONG_PASSWORD);
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    /** The new user's case: spring.sql.init on (as the README recommends), R2DBC pool, wrong password. */
    @Test
    void failReportsAWrongPasswordBeforeSqlInitMeetsIt(CapturedOutput output) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner(WRONG_PASSWORD)
                .withConfiguration(AutoConfigurations.of(PgConnR2dbcAutoConfiguration.class, R2dbcAutoConfiguration.class,
                        R2dbcInitializationAutoConfiguration.class))
                .withPropertyValues("pg.conn.startup-check=fail", "spring.sql.init.mode=always",
                        "spring.sql.init.schema-locations=classpath:sql-init/schema.sql")
                .run(context -> {
                    assertThat(context).hasFailed();
                    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("Failed to execute database script");
                    }
                    analysis[0] = new PgConnFailureAnalyzer().analyze(context.getStartupFailure());
                });
        assertThat(analysis[0]).isNotNull();
        assertThat(analysis[0].getDescription()).startsWith("pgconn could not connect at start-up")
                .contains("password authentication failed").doesNotContain(WRONG_PASSWORD);
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    /** user3 F3: no password configured; the hint named PGPASSWORD, which the starter does not read (set here, to no avail). */
    @Test
    void noPasswordNamesTheStartersPropertyNotPgpassword(CapturedOutput output) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER, "pg.conn.extension-types=",
                        "pg.conn.connect-timeout=5s", "pg.conn.startup-check=fail", "PGPASSWORD=" + StarterCluster.PASSWORD)
                .run(context -> {
                    assertThat(context).hasFailed();
                    analysis[0] = new PgConnFailureAnalyzer().analyze(context.getStartupFailure());
                });
        assertThat(analysis[0].getDescription()).contains("but no password was supplied (pg.conn.password, PG_CONN_PASSWORD,")
                .contains("the starter does not read PGPASSWORD").doesNotContain("(password, PGPASSWORD or .pgpass)")
                .doesNotContain(StarterCluster.PASSWORD);
        assertThat(output.getOut()).doesNotContain(StarterCluster.PASSWORD);
    }

    @Test
    void failStartsWhenTheServerAcceptsAndLeavesNoConnectionOpen() {
        runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.startup-check=fail").run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(context
                    .getBean(io.pgconn.PgConnectionFactory.class).openConnections()).isZero());
        });
    }
}
