package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.spring.boot.autoconfigure.metrics.PgConnMetricsAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An application context in which Boot's {@code r2dbc.query} observation wraps the starter's pool, as with actuator and
 * r2dbc-proxy: Boot's observation, r2dbc-proxy decorator and r2dbc.query auto-configurations with the starter's, every
 * stopped observation kept in {@code observed}, and {@link StarterCluster#USER}'s login without TLS. The test adds
 * {@code pg.conn.hosts} and {@code pg.conn.database}.
 */
final class ObservedPoolContexts {

    private ObservedPoolContexts() {
    }

    static ApplicationContextRunner runner(StoppedObservations observed) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, R2dbcProxyAutoConfiguration.class,
                        R2dbcObservationAutoConfiguration.class, PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class,
                        PgConnR2dbcAutoConfiguration.class))
                .withBean(StoppedObservations.class, () -> observed)
                .withPropertyValues("pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.pool.initial-size=0");
    }
}
