package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.startup-check=fail} with {@code spring.sql.init.mode=always} (as the README recommends):
 * Boot's R2DBC script initializer is created while singletons are, so the check must run before the
 * pool it uses exists; otherwise the failure is Boot's "Failed to execute database script" instead of
 * the starter's "pgconn could not connect at start-up" report. A refused port is the server here.
 */
class PgConnStartupCheckBeforeSqlInitTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    R2dbcAutoConfiguration.class, R2dbcInitializationAutoConfiguration.class))
            .withPropertyValues("pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=3s", "pg.conn.startup-check=fail",
                    "pg.conn.password=hunter2", "spring.sql.init.mode=always",
                    "spring.sql.init.schema-locations=classpath:sql-init/schema.sql");

    @Test
    void theStartupChecksReportComesBeforeTheScriptInitializerMeetsTheServer() {
        check(this.runner);
    }

    @Test
    void soItDoesWithoutThePool() {
        check(this.runner.withPropertyValues("pg.conn.pool.enabled=false"));
    }

    private static void check(ApplicationContextRunner runner) {
        int port = PgConnAutoConfigurationTest.refusedPort();
        runner.withPropertyValues("pg.conn.hosts=127.0.0.1:" + port).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            boolean checkFailed = false;
            for (Throwable t = failure; t != null; t = t.getCause()) {
                checkFailed |= t instanceof PgConnStartupCheckException;
                assertThat(String.valueOf(t.getMessage())).doesNotContain("Failed to execute database script")
                        .doesNotContain("hunter2");
            }
            assertThat(checkFailed).as("PgConnStartupCheckException in %s", failure).isTrue();
            FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).startsWith("pgconn could not connect at start-up")
                    .contains("Hosts: 127.0.0.1:" + port);
        });
    }
}
