package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.pool.initial-size}/{@code max-size}: an unset initial size follows max-size (up to 10),
 * and a bad value or a conflicting pair is the starter's "Invalid value for pgconn property" report,
 * not r2dbc-pool's bare IllegalArgumentException (no connect: beans only).
 */
class PgConnPoolSizesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db.test.invalid:5432", "pg.conn.startup-check=none");

    @Test
    void onlyMaxSizeSmallerThanTenStartsWithInitialSizeFollowingIt() {
        runner.withPropertyValues("pg.conn.pool.max-size=5").run(context -> {
            assertThat(context).hasNotFailed();
            ConnectionPool pool = context.getBean(ConnectionPool.class);
            assertThat(pool.getMetrics().orElseThrow().getMaxAllocatedSize()).isEqualTo(5);
        });
    }

    @Test
    void onlyMaxSizeOfOneStarts() {
        runner.withPropertyValues("pg.conn.pool.max-size=1").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void anInitialSizeAboveMaxSizeNamesBothPropertiesAndValues() {
        FailureAnalysis analysis = FailedStartup.analysis(runner.withPropertyValues("pg.conn.pool.initial-size=8", "pg.conn.pool.max-size=5"));
        assertThat(analysis.getDescription()).startsWith("Invalid value for pgconn property 'pg.conn.pool.initial-size'")
                .contains("Value: \"8\"").contains("pg.conn.pool.initial-size=8").contains("pg.conn.pool.max-size=5");
    }

    @Test
    void aNonPositiveMaxSizeIsReported() {
        for (String max : new String[] {"0", "-1"}) {
            FailureAnalysis analysis = FailedStartup.analysis(runner.withPropertyValues("pg.conn.pool.max-size=" + max));
            assertThat(analysis.getDescription()).startsWith("Invalid value for pgconn property 'pg.conn.pool.max-size'")
                    .contains("Value: \"" + max + "\"").contains("at least 1");
        }
    }

    @Test
    void aNegativeInitialSizeIsReported() {
        FailureAnalysis analysis = FailedStartup.analysis(runner.withPropertyValues("pg.conn.pool.initial-size=-1"));
        assertThat(analysis.getDescription()).contains("'pg.conn.pool.initial-size'").contains("Value: \"-1\"")
                .contains("pg.conn.pool.max-size (10)");
    }

    @Test
    void anExplicitPairWithinLimitsIsKept() {
        runner.withPropertyValues("pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=3")
                .run(context -> assertThat(context.getBean(ConnectionPool.class).getMetrics().orElseThrow()
                        .getMaxAllocatedSize()).isEqualTo(3));
    }
}
