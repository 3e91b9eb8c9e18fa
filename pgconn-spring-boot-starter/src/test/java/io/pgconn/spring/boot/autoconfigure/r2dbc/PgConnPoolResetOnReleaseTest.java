package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.pool.reset-on-release} reaches the starter's pool (docs/r2dbc.md §4; NEW-USER-26 F3): none by default,
 * the SQL set, blank meaning none (no connect: beans only; what the reset does on a server: {@code PoolResetOnReleaseIT}).
 */
class PgConnPoolResetOnReleaseTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db.test.invalid:5432", "pg.conn.startup-check=none");

    @Test
    void byDefaultThePoolResetsNothing() {
        runner.run(context -> assertThat(context.getBean(PgConnConnectionPool.class).resetOnRelease()).isEmpty());
    }

    @Test
    void theSetSqlReachesThePool() {
        runner.withPropertyValues("pg.conn.pool.reset-on-release=DISCARD ALL")
                .run(context -> assertThat(context.getBean(PgConnConnectionPool.class).resetOnRelease()).hasValue("DISCARD ALL"));
    }

    @Test
    void aBlankValueMeansNone() {
        runner.withPropertyValues("pg.conn.pool.reset-on-release= ")
                .run(context -> assertThat(context.getBean(PgConnConnectionPool.class).resetOnRelease()).isEmpty());
    }

    /** A misspelt name (one word, neither reset) fails the start naming the property (REVIEW-31 R31-13: it was sent as SQL). */
    @Test
    void aMisspeltNameFailsTheStartNamingTheProperty() {
        runner.withPropertyValues("pg.conn.pool.reset-on-release=DISCARD_AL")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("pg.conn.pool.reset-on-release: invalid resetOnRelease \"DISCARD_AL\""));
    }
}
