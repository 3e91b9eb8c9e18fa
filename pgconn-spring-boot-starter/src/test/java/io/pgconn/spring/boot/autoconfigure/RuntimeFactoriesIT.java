package io.pgconn.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnPools;
import io.pgconn.spring.boot.autoconfigure.health.PgConnRuntimeHealthIndicator;
import io.pgconn.spring.boot.autoconfigure.metrics.PgConnMetricsAutoConfiguration;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New user 23 F3: factories and pools made at runtime (a database per tenant) had no health and no factory meters, bean
 * or not. Registered with {@link PgConnRuntimeFactories}, each shows in the {@code pgConnRuntime} health aggregate and
 * gets its factory meters and pool gauges, and its close takes it out of both.
 */
class RuntimeFactoriesIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-runtime-factories")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE t_1 OWNER " + StarterCluster.USER).initSql("CREATE DATABASE t_2 OWNER " + StarterCluster.USER)
            .initSql("CREATE DATABASE t_3 OWNER " + StarterCluster.USER)
            .build();

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class,
                        PgConnRuntimeFactoriesAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.database=postgres", "pg.conn.ssl.mode=disable",
                        "pg.conn.extension-types=", "pg.conn.startup-check=none");
    }

    @Test
    void registeredFactoriesShowInHealthAndMetersUntilTheyClose() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            PgConnRuntimeFactories runtime = context.getBean(PgConnRuntimeFactories.class);
            PgConnFactoryBuilders builders = context.getBean(PgConnFactoryBuilders.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            PgConnRuntimeHealthIndicator health = context.getBean(PgConnRuntimeHealthIndicator.class);
            Map<String, PgConnectionFactory> factories = new HashMap<>();
            Map<String, ConnectionPool> pools = new HashMap<>();
            for (String database : List.of("t_1", "t_2", "t_3")) {
                String name = "tenant-" + database;
                PgConnectionFactory pg = builders.builder(name, control.config().toBuilder().database(database).build()).build();
                // as the README's "Many databases" recipe builds it
                ConnectionPool pool = PgConnPools.over(pg).name(name).initialSize(0).maxSize(4)
                        .maxAcquireTime(Duration.ofSeconds(5)).build();
                runtime.register(name, pg, pool);
                factories.put(name, pg);
                pools.put(name, pool);
                select(pool);
            }

            Health all = health.health();
            assertThat(all.getStatus()).isEqualTo(Status.UP);
            assertThat(all.getDetails()).containsEntry("count", 3);
            assertThat(factoryDetails(all)).containsOnlyKeys("tenant-t_1", "tenant-t_2", "tenant-t_3");
            @SuppressWarnings("unchecked")
            Map<String, Object> one = (Map<String, Object>) factoryDetails(all).get("tenant-t_2");
            assertThat(one).containsEntry("hosts", Map.of(StarterCluster.label(PG.primary()), "up, primary"));
            assertThat(one.get("pools").toString()).contains("max=4");
            for (String name : factories.keySet()) {
                assertThat(meters.get("pg.conn.connections.active").tag("name", name).gauge().value()).as(name).isEqualTo(1.0);
                assertThat(meters.get("pg.conn.host.status").tag("name", name).tag("status", "up").gauge().value()).isEqualTo(1.0);
                assertThat(meters.get("r2dbc.pool.max.allocated").tag("name", name).gauge().value()).isEqualTo(4.0);
            }

            pools.get("tenant-t_2").disposeLater().block(Duration.ofSeconds(10));
            factories.get("tenant-t_2").closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);

            Health after = health.health();
            assertThat(after.getDetails()).containsEntry("count", 2);
            assertThat(factoryDetails(after)).containsOnlyKeys("tenant-t_1", "tenant-t_3");
            assertThat(meters.getMeters()).as("meters of the closed tenant")
                    .noneMatch(meter -> "tenant-t_2".equals(meter.getId().getTag("name")));
            assertThat(meters.get("pg.conn.connections.active").tag("name", "tenant-t_1").gauge().value()).isEqualTo(1.0);

            for (String name : List.of("tenant-t_1", "tenant-t_3")) {
                pools.get(name).disposeLater().block(Duration.ofSeconds(10));
                factories.get(name).closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            }
            assertThat(health.health().getDetails()).containsEntry("count", 0);
            assertThat(runtime.entries()).isEmpty();
        });
    }

    @Test
    void aNameIsOneFactorysAndAClosedFactoryIsNotTaken() {
        runner().run(context -> {
            PgConnRuntimeFactories runtime = context.getBean(PgConnRuntimeFactories.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            try (PgConnectionFactory first = PgConnectionFactory.create(control.config());
                    PgConnectionFactory second = PgConnectionFactory.create(control.config())) {
                PgConnRuntimeFactories.Registration registration = runtime.register("tenant-a", first);
                assertThatThrownBy(() -> runtime.register("tenant-a", second)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("'tenant-a' is registered already");
                assertThat(meters.find("pg.conn.connections.active").tag("name", "tenant-a").gauges()).hasSize(1);

                registration.close();
                assertThat(runtime.entries()).isEmpty();
                assertThat(meters.find("pg.conn.connections.active").tag("name", "tenant-a").gauges()).isEmpty();
                runtime.register("tenant-a", second).close();

                first.close();
                assertThatThrownBy(() -> runtime.register("tenant-b", first)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed already");
            }
        });
    }

    /**
     * REVIEW-24 R24-4: a registration named like the application's factory bean bound nothing of its own (Micrometer
     * returned the bean's gauges) and its close removed the bean's; and a tenant named {@code t-2} shared the gauges of
     * tenant {@code t}'s second pool. Both names are refused now, naming why, before anything is registered.
     */
    @Test
    void aBeansNameAndANumberedPoolsNameAreNotARuntimeFactorysName() {
        runner().run(context -> {
            PgConnRuntimeFactories runtime = context.getBean(PgConnRuntimeFactories.class);
            PgConnectionFactory control = context.getBean(PgConnectionFactory.class);
            String beanName = context.getBeanNamesForType(PgConnectionFactory.class)[0];
            try (PgConnectionFactory tenant = PgConnectionFactory.create(control.config())) {
                assertThatThrownBy(() -> runtime.register(beanName, tenant)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'" + beanName + "'").hasMessageContaining("bean");
                assertThatThrownBy(() -> runtime.register("t#2", tenant)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'t#2'");
                assertThat(runtime.entries()).isEmpty();
                runtime.register("t", tenant).close();
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> factoryDetails(Health health) {
        return (Map<String, Object>) health.getDetails().get("factories");
    }

    private static void select(ConnectionPool pool) {
        Mono.usingWhen(pool.create(),
                (Connection c) -> Flux.from(c.createStatement("SELECT 1").execute()).flatMap(r -> r.map((row, meta) -> row.get(0))).then(),
                Connection::close).block(Duration.ofSeconds(10));
    }
}
