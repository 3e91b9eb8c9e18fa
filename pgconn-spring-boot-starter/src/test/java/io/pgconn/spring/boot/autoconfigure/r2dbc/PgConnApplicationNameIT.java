package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.health.PgConnHealthContributorAutoConfiguration;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code pg_stat_activity.application_name} shows for the starter's pooled R2DBC connections,
 * on a real server: {@code spring.application.name} when {@code pg.conn.application-name} is not set
 * (and {@code <name>-health} for the health monitor's session), the property when it is, nothing
 * when neither is.
 */
class PgConnApplicationNameIT {

    private static final String OWN_APPLICATION_NAME = "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-appname", 0);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    PgConnHealthContributorAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                    "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                    "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.extension-types=",
                    "pg.conn.startup-check=none", "pg.conn.pool.initial-size=1");

    @Test
    void pooledConnectionsAreNamedAfterSpringApplicationName() {
        this.runner.withPropertyValues("spring.application.name=orders-service").run(context -> {
            assertThat(context.getBean(ConnectionFactory.class)).isInstanceOf(ConnectionPool.class);
            assertThat(pooledApplicationName(context.getBean(ConnectionFactory.class))).isEqualTo("orders-service");
            // the health monitor's own session, told apart by its suffix
            ((HealthIndicator) context.getBean("pgConnHealthContributor", HealthContributor.class)).health(true);
            assertThat(PG.primary().queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'orders-service-health'"))
                    .isEqualTo("1");
        });
    }

    @Test
    void pgConnApplicationNameWinsOverSpringApplicationName() {
        this.runner.withPropertyValues("spring.application.name=orders-service", "pg.conn.application-name=orders-batch")
                .run(context -> assertThat(pooledApplicationName(context.getBean(ConnectionFactory.class)))
                        .isEqualTo("orders-batch"));
    }

    @Test
    void withNeitherThePooledConnectionsSendNone() {
        this.runner.run(context -> assertThat(pooledApplicationName(context.getBean(ConnectionFactory.class))).isEmpty());
    }

    private static String pooledApplicationName(ConnectionFactory pool) {
        return Mono.usingWhen(pool.create(),
                        (Connection c) -> Mono.from(c.createStatement(OWN_APPLICATION_NAME).execute())
                                .flatMap(result -> Mono.from(result.map((row, metadata) -> row.get(0, String.class)))),
                        Connection::close)
                .block(Duration.ofSeconds(30));
    }
}
