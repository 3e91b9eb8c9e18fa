package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.r2dbc.PgConnUnwrap;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pg.conn.pool.max-life-time} and {@code pg.conn.pool.max-idle-time} (docs/r2dbc.md §5) reach the starter's
 * pool, on a real server: a pooled session older, or idle longer, than the setting is closed and replaced.
 */
class PgConnPoolLifetimesIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-pool-lifetimes", 0);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                    "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                    "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.extension-types=",
                    "pg.conn.startup-check=none", "pg.conn.pool.initial-size=0", "pg.conn.pool.max-size=1");

    @Test
    void aPooledSessionOlderThanMaxLifeTimeIsReplaced() {
        this.runner.withPropertyValues("pg.conn.pool.max-life-time=1s").run(context -> {
            ConnectionFactory pool = context.getBean(ConnectionFactory.class);
            int first = borrowedPid(pool);
            assertThat(borrowedPid(pool)).as("within its life time the session is reused").isEqualTo(first);
            awaitCondition("a new session once the first is older than 1 s", STEP, () -> borrowedPid(pool) != first);
            awaitCondition("the first session closed", STEP, () -> !backendExists(first));
        });
    }

    @Test
    void aPooledSessionIdleLongerThanMaxIdleTimeIsClosed() {
        this.runner.withPropertyValues("pg.conn.pool.max-idle-time=1s").run(context -> {
            ConnectionFactory pool = context.getBean(ConnectionFactory.class);
            int first = borrowedPid(pool);
            // left alone in the pool: closed by the pool's background eviction, not only when next asked for
            awaitCondition("the idle session closed", STEP, () -> !backendExists(first));
            assertThat(borrowedPid(pool)).isNotEqualTo(first);
        });
    }

    private static int borrowedPid(ConnectionFactory pool) {
        return Mono.usingWhen(pool.create(), (Connection c) -> Mono.just(PgConnUnwrap.pgConnection(c).processId()), Connection::close)
                .block(STEP);
    }

    private static boolean backendExists(int pid) {
        return !"0".equals(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid));
    }
}
