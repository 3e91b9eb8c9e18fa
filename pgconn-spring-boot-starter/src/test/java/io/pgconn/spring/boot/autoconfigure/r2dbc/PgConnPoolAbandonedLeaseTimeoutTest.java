package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.pool.abandoned-lease-timeout} reaches the starter's pool (docs/r2dbc.md §4): the default 5 s, a value
 * set, and zero or a negative one meaning never (no connect: beans only).
 */
class PgConnPoolAbandonedLeaseTimeoutTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db.test.invalid:5432", "pg.conn.startup-check=none");

    @Test
    void byDefaultThePoolTakesAnAbandonedLeaseBackAfterFiveSeconds() {
        runner.run(context -> assertThat(context.getBean(PgConnConnectionPool.class).abandonedLeaseTimeout())
                .hasValue(Duration.ofSeconds(5)));
    }

    @Test
    void theSetTimeoutReachesThePool() {
        runner.withPropertyValues("pg.conn.pool.abandoned-lease-timeout=750ms")
                .run(context -> assertThat(context.getBean(PgConnConnectionPool.class).abandonedLeaseTimeout())
                        .hasValue(Duration.ofMillis(750)));
    }

    @Test
    void zeroOrANegativeTimeoutMeansNever() {
        for (String never : new String[] {"0", "-1s"}) {
            runner.withPropertyValues("pg.conn.pool.abandoned-lease-timeout=" + never)
                    .run(context -> assertThat(context.getBean(PgConnConnectionPool.class).abandonedLeaseTimeout())
                            .as(never).isEmpty());
        }
    }
}
