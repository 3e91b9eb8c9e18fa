package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryBuilders;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.StopMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without health (no actuator health auto-configuration here), a factory derived with {@link PgConnFactoryBuilders}
 * counts {@code pg.conn.failovers} from its own connects, as the auto-configured factory does: before session 21 its
 * tracker was made by the meters, fed by nothing but a health monitor, and stayed at 0 while its connects moved from
 * the stopped primary to the standby (seen failing before the fix: 0.0, expected 1.0). The host gauges show what
 * those connects learned: without health only connects feed a factory's host memory.
 */
class DerivedFactoryFailoverCountIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-derived-failovers", 1);

    @Configuration(proxyBeanMethods = false)
    static class Derived {

        @Bean(defaultCandidate = false)
        @Qualifier("reads")
        PgConnectionFactory readsPg(PgConnectionFactory pgConnectionFactory, PgConnFactoryBuilders builders) {
            return builders.builder("readsPg", pgConnectionFactory.config()).build();
        }
    }

    @Test
    void aDerivedFactoryCountsTheFailoversItsConnectsSeeWithoutHealth() {
        PgServer primary = PG.primary();
        String primaryLabel = StarterCluster.label(primary);
        String standbyLabel = StarterCluster.label(PG.standby(0));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .withUserConfiguration(Derived.class)
                .withPropertyValues("pg.conn.hosts=" + primaryLabel + "," + standbyLabel, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.database=postgres", "pg.conn.ssl.mode=disable",
                        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.target-session-attrs=any")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    context.getBean(PgConnMeterBinder.class).bindTo(meters);
                    assertThat(landsOn(context, "readsPg")).isEqualTo(primaryLabel);
                    assertThat(landsOn(context, "pgConnectionFactory")).isEqualTo(primaryLabel);

                    primary.stop(StopMode.IMMEDIATE);
                    assertThat(landsOn(context, "readsPg")).isEqualTo(standbyLabel);
                    assertThat(landsOn(context, "pgConnectionFactory")).isEqualTo(standbyLabel);

                    for (String name : new String[] {"readsPg", "pgConnectionFactory"}) {
                        assertThat(meters.find("pg.conn.failovers").tag("name", name).functionCounters().stream()
                                .mapToDouble(FunctionCounter::count).sum())
                                .as("failovers of " + name).isEqualTo(1.0);
                        assertThat(meters.get("pg.conn.host.status").tag("name", name).tag("host", primaryLabel)
                                .tag("status", "down").gauge().value()).as("the primary, as " + name + "'s connect found it")
                                .isEqualTo(1.0);
                        assertThat(meters.get("pg.conn.host.status").tag("name", name).tag("host", standbyLabel)
                                .tag("status", "up").gauge().value()).isEqualTo(1.0);
                    }
                });
    }

    /** {@code host:port} of a new connection of the factory bean {@code name}, closed again. */
    private static String landsOn(ApplicationContext context, String name) throws Exception {
        PgConnectionFactory factory = context.getBean(name, PgConnectionFactory.class);
        var connection = factory.connect().get(20, TimeUnit.SECONDS);
        try {
            return connection.host();
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }
}
