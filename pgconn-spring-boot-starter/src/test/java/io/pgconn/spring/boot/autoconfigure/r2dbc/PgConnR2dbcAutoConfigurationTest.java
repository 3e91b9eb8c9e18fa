package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.health.PgConnPoolDetails;
import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.reactivestreams.Publisher;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.annotation.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The R2DBC beans over the starter's factory, and that a user's bean of the same type wins (no connect: beans only). */
class PgConnR2dbcAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
                    PgConnR2dbcPoolDetailsAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=db.test.invalid:5432", "pg.conn.startup-check=none");

    @Test
    void thePoolAndItsEvictionAndHealthBeansAreThereByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class);
            assertThat(context).hasBean(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME);
            assertThat(context).hasSingleBean(PgConnPoolEvictions.class);
            assertThat(context).getBean(PgConnPoolDetails.class).isInstanceOf(PgConnR2dbcPoolDetails.class);
        });
    }

    /**
     * NEW-USER-20 F4: without Spring Boot's spring-boot-r2dbc module (a Spring MVC application with pgconn-r2dbc and
     * spring-r2dbc only), whose ConnectionPoolMetricsAutoConfiguration publishes r2dbc.pool.*, the starter's meter binders
     * publish them, named and tagged as Boot does; with the module there, only Boot's do (never twice).
     */
    @Test
    void withoutBootsR2dbcModuleThePoolGaugesArePublishedAsBootNamesThem() {
        runner.withPropertyValues("pg.conn.pool.max-size=7")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.r2dbc.autoconfigure.metrics")).run(context -> {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBeansOfType(MeterBinder.class).values().forEach(binder -> binder.bindTo(registry));
                    assertThat(registry.get("r2dbc.pool.max.allocated").tag("name", PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME)
                            .gauge().value()).isEqualTo(7);
                    for (String gauge : new String[] {"acquired", "allocated", "idle", "pending", "max.pending"}) {
                        assertThat(registry.find("r2dbc.pool." + gauge).tag("name", PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME)
                                .gauge()).as(gauge).isNotNull();
                    }
                    assertThat(registry.get("r2dbc.pool.acquired").gauge().getId().getBaseUnit()).isEqualTo("connections");
                });
        runner.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(binder -> binder.bindTo(registry));
            assertThat(registry.find("r2dbc.pool.acquired").gauges()).as("Boot's module there: its binder's, not ours").isEmpty();
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void springR2dbcUrlIsReportedOnceAsIgnoredWithoutItsValue(CapturedOutput output) {
        runner.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://app:Url-s3cret@db.test.invalid/app").run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class);
            String log = output.getAll();
            assertThat(log).contains("spring.r2dbc.url is set but ignored: the R2DBC ConnectionFactory is pgconn's, configured by pg.conn.*")
                    .doesNotContain("Url-s3cret").doesNotContain("db.test.invalid/app");
            assertThat(log.split("spring.r2dbc.url is set but ignored", -1)).hasSize(2);
        });
    }

    /** user4's F8: settings kept from r2dbc-postgresql are named, each with the pg.conn.* property that does it. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void otherSpringR2dbcSettingsAreEachReportedWithThePgConnPropertyToUse(CapturedOutput output) {
        runner.withPropertyValues("spring.r2dbc.pool.max-size=20", "spring.r2dbc.pool.initialSize=5",
                "spring.r2dbc.username=other", "spring.r2dbc.password=Other-s3cret").run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class);
            String log = output.getAll();
            assertThat(log).contains("spring.r2dbc.pool.max-size is set but ignored: the R2DBC ConnectionFactory is pgconn's, "
                    + "configured by pg.conn.*; use pg.conn.pool.max-size instead")
                    .contains("spring.r2dbc.pool.initial-size is set but ignored").contains("use pg.conn.pool.initial-size instead")
                    .contains("spring.r2dbc.username is set but ignored").contains("use pg.conn.username instead")
                    .contains("use pg.conn.password instead").doesNotContain("Other-s3cret");
            assertThat(log.split("spring.r2dbc.pool.max-size is set but ignored", -1)).hasSize(2);
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void withoutSpringR2dbcUrlNothingIsReported(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class);
            assertThat(output.getAll()).doesNotContain("spring.r2dbc.url");
        });
    }

    @Test
    void aNegativeAcquireRetryFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("pg.conn.pool.acquire-retry=-1").run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("pg.conn.pool.acquire-retry must be 0 or more, was -1");
        });
    }

    @Test
    void aUsersPoolBeansWinOverTheStartersOnes() {
        runner.withUserConfiguration(UserPoolBeans.class).run(context -> {
            assertThat(context).hasSingleBean(PgConnPoolDetails.class);
            assertThat(context.getBean(PgConnPoolDetails.class)).isSameAs(context.getBean(UserPoolBeans.class).details);
            assertThat(context).hasSingleBean(PgConnPoolEvictions.class);
            assertThat(context.getBean(PgConnPoolEvictions.class).poolName()).isEqualTo("mine");
        });
    }

    @Test
    void anApplicationsOwnPoolOverTheFactoryIsShownInTheHealthAlthoughTheStartersPoolBacksOff() {
        runner.withUserConfiguration(ApplicationPool.class).run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class).hasBean("myPool");
            assertThat(context).doesNotHaveBean(PgConnPoolEvictions.class);
            Map<String, Map<String, Object>> pools = context.getBean(PgConnPoolDetails.class).of(context.getBean(PgConnectionFactory.class));
            assertThat(pools).containsOnlyKeys("myPool");
            assertThat(pools.get("myPool")).containsEntry("max", 3).containsEntry("acquired", 0).doesNotContainKey("evictions");
        });
    }

    /** Boot's own R2DBC configuration: decorators in their order on the driver's factory, the pool over the last. */
    @Test
    void bootsConnectionFactoryDecoratorsWrapTheDriverFactoryInTheirOrderAndThePoolWrapsThem() {
        runner.withUserConfiguration(TwoDecorators.class).run(context -> {
            ConnectionPool pool = context.getBean(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME, ConnectionPool.class);
            assertThat(underSessionCount(pool)).isInstanceOf(Decorated.class);
            Decorated outer = (Decorated) underSessionCount(pool);
            assertThat(outer.name).isEqualTo("second");
            Decorated inner = (Decorated) outer.unwrap();
            assertThat(inner.name).isEqualTo("first");
            assertThat(inner.unwrap()).isInstanceOf(PgConnR2dbcConnectionFactory.class);
            assertThat(((PgConnR2dbcConnectionFactory) inner.unwrap()).pgConnectionFactory())
                    .isSameAs(context.getBean(PgConnectionFactory.class));
            // the pgConn health still finds the pool over this factory, under the decorators
            assertThat(context.getBean(PgConnPoolDetails.class).of(context.getBean(PgConnectionFactory.class)))
                    .containsOnlyKeys(PgConnR2dbcAutoConfiguration.POOL_BEAN_NAME);
        });
    }

    @Test
    void withoutThePoolTheBeanIsTheDecoratedDriverFactory() {
        runner.withUserConfiguration(TwoDecorators.class).withPropertyValues("pg.conn.pool.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ConnectionPool.class);
            ConnectionFactory bean = context.getBean(ConnectionFactory.class);
            assertThat(bean).isInstanceOf(Decorated.class);
            assertThat(((Decorated) bean).name).isEqualTo("second");
            assertThat(PgConnUnwrap.driverFactory(bean)).isPresent();
        });
    }

    @Test
    void withoutSpringBootR2dbcOnTheClassPathThePoolIsOverTheDriverFactory() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.r2dbc")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(PgConnR2dbcDecorators.class);
            assertThat(underSessionCount(context.getBean(ConnectionPool.class))).isInstanceOf(PgConnR2dbcConnectionFactory.class);
        });
    }

    /** What the starter's pool is given, under the count of its sessions per host ({@link PgConnPoolSessionHosts}). */
    private static Object underSessionCount(ConnectionPool pool) {
        assertThat(pool.unwrap().getClass().getEnclosingClass()).isEqualTo(PgConnPoolSessionHosts.class);
        return PgConnPoolSessionHosts.under(pool.unwrap());
    }

    /** An application's own pool over a decorated driver factory is a pool over this factory too. */
    @Test
    void anApplicationsOwnPoolOverADecoratedFactoryIsShownInTheHealth() {
        runner.withUserConfiguration(ApplicationPoolOverADecorator.class).run(context -> {
            Map<String, Map<String, Object>> pools = context.getBean(PgConnPoolDetails.class).of(context.getBean(PgConnectionFactory.class));
            assertThat(pools).containsOnlyKeys("myPool");
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aParameterValuesSwitchBootDoesNotReadIsReportedWithTheOneItReads(CapturedOutput output) {
        runner.withPropertyValues("spring.r2dbc.observability.include-parameter-values=true").run(context -> {
            assertThat(context).hasSingleBean(ConnectionPool.class);
            assertThat(output.getAll()).contains("spring.r2dbc.observability.include-parameter-values is set but ignored")
                    .contains("use management.observations.r2dbc.include-parameter-values instead");
        });
    }

    /** A decorator's result: names it, and wraps what it decorated. */
    static final class Decorated implements ConnectionFactory, Wrapped<ConnectionFactory> {
        final String name;
        private final ConnectionFactory delegate;

        Decorated(String name, ConnectionFactory delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return delegate.create();
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return delegate.getMetadata();
        }

        @Override
        public ConnectionFactory unwrap() {
            return delegate;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDecorators {

        @Bean
        @Order(2)
        ConnectionFactoryDecorator second() {
            return factory -> new Decorated("second", factory);
        }

        @Bean
        @Order(1)
        ConnectionFactoryDecorator first() {
            return factory -> new Decorated("first", factory);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationPoolOverADecorator {

        @Bean(destroyMethod = "dispose")
        ConnectionPool myPool(PgConnectionFactory factory) {
            return new ConnectionPool(ConnectionPoolConfiguration.builder(new Decorated("mine", PgConnR2dbcConnectionFactory.of(factory)))
                    .initialSize(0).maxSize(2).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationPool {

        @Bean(destroyMethod = "dispose")
        ConnectionPool myPool(PgConnectionFactory factory) {
            return new ConnectionPool(ConnectionPoolConfiguration.builder(PgConnR2dbcConnectionFactory.of(factory))
                    .initialSize(0).maxSize(3).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserPoolBeans {

        final PgConnPoolDetails details = factory -> Map.of();

        @Bean
        PgConnPoolDetails userPoolDetails() {
            return details;
        }

        @Bean
        PgConnPoolEvictions userPoolEvictions() {
            return new PgConnPoolEvictions("mine");
        }
    }
}
