package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnPools;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnPoolProperties;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import io.pgconn.spring.boot.autoconfigure.PgConnStartupCheck;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An R2DBC {@link ConnectionFactory} on the application's {@link PgConnectionFactory} when
 * pgconn-r2dbc and Spring R2DBC are present: {@code DatabaseClient}, {@code R2dbcTransactionManager}
 * and Spring Data R2DBC repositories then run on pgconn, with the same {@code pg.conn.*}
 * configuration and one host memory. Pooled with r2dbc-pool ({@code pg.conn.pool.*}); the pool
 * evicts a connection that fails {@code validate(LOCAL)}, so after a failover it does not hand out
 * connections to the old primary. Runs before Boot's R2DBC auto-configuration, which then backs off;
 * Boot's {@code ConnectionFactoryDecorator} beans (r2dbc-proxy's {@code r2dbc.query} observation) are
 * applied here instead, as Boot applies them: in order, to the driver's factory, before pooling.
 *
 * <p>The pool is a {@link ConnectionPool} bean named {@value #POOL_BEAN_NAME}, so Boot's
 * {@code ConnectionPoolMetricsAutoConfiguration} publishes its {@code r2dbc.pool.*} meters (acquired,
 * idle, pending, ..., tag {@code name}); the starter adds {@code pg.conn.pool.evictions} with the same
 * {@code name} tag, and the {@code pgConn} health shows the pool next to the active host
 * ({@link PgConnR2dbcPoolDetailsAutoConfiguration}, which also shows an application's own pool).
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class,
        beforeName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration")
@ConditionalOnClass(name = {"io.pgconn.r2dbc.PgConnR2dbcConnectionFactory", "io.r2dbc.spi.ConnectionFactory",
        "org.springframework.r2dbc.core.DatabaseClient"})
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnMissingBean(ConnectionFactory.class)
public final class PgConnR2dbcAutoConfiguration {

    /** The pool's bean name: the {@code name} tag of its meters and its key in the {@code pgConn} health. */
    public static final String POOL_BEAN_NAME = "connectionFactory";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "pg.conn.pool", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Pooled {

        @Bean
        @ConditionalOnMissingBean
        PgConnPoolEvictions pgConnPoolEvictions() {
            return new PgConnPoolEvictions(POOL_BEAN_NAME);
        }

        /** On which hosts the pool's open sessions are, for the {@code pgConn} health's {@code pools}. */
        @Bean
        @ConditionalOnMissingBean
        PgConnPoolSessionHosts pgConnPoolSessionHosts() {
            return new PgConnPoolSessionHosts(POOL_BEAN_NAME);
        }

        // disposed before the PgConnectionFactory it depends on is closed
        @Bean(name = POOL_BEAN_NAME, destroyMethod = "dispose")
        ConnectionPool connectionFactory(PgConnectionFactory pgConnectionFactory, PgConnProperties properties,
                PgConnPoolEvictions pgConnPoolEvictions, PgConnPoolSessionHosts pgConnPoolSessionHosts,
                ObjectProvider<PgConnPoolEvictionListener> evictionListeners,
                ObjectProvider<PgConnStartupCheck> startupCheck, ObjectProvider<PgConnR2dbcDecorators> decorators,
                Environment environment) {
            SpringR2dbcUrlWarning.warnIfSet(environment);
            PgConnPoolProperties pool = properties.getPool();
            PgConnPoolSizes sizes = PgConnPoolSizes.of(pool);
            // before spring.sql.init (or any bean) can use the pool: pg.conn.startup-check=fail reports first
            startupCheck.ifAvailable(PgConnStartupCheck::checkBeforeFirstUse);
            // the starter's own count is a listener bean too: told once, directly, not again among the listeners
            List<PgConnPoolEvictionListener> listeners = evictionListeners.orderedStream()
                    .filter(listener -> listener != pgConnPoolEvictions).toList();
            // PgConnPools: the code that builds an application's own pools (new user 23 F5) — create retry within the
            // acquire time, growth held at a full server, release clean-up, eviction, PgConnConnectionPool (r2dbc.md §4)
            PgConnPools.Builder builder = PgConnPools.over(pgConnectionFactory)
                    .name("pgConn")
                    .initialSize(sizes.initialSize())
                    .maxSize(sizes.maxSize())
                    .maxIdleTime(pool.getMaxIdleTime())
                    .maxLifeTime(pool.getMaxLifeTime())
                    .maxAcquireTime(pool.getMaxAcquireTime())
                    .acquireRetry(pool.getAcquireRetry())
                    .abandonedLeaseTimeout(pool.getAbandonedLeaseTimeout())
                    .validationDepth(ValidationDepth.valueOf(pool.getValidationDepth().name()))
                    // Boot's decorators wrap the driver's factory and the pool wraps them, as in Boot's own configuration;
                    // each session it creates counted on its host until it closes (the health's sessionsByHost)
                    .decorate(driver -> pgConnPoolSessionHosts.counting(
                            decorators.getIfAvailable(PgConnR2dbcDecorators::none).decorate(driver)))
                    .evicted(pgConnPoolEvictions::evicted);
            // each listener told on its own: one that throws does not keep the later ones from being told (r2dbc.md §4)
            listeners.forEach(listener -> builder.evicted(listener::evicted));
            try {
                builder.resetOnRelease(pool.getResetOnRelease());
            } catch (IllegalArgumentException misspelt) {
                // the builder names its own setting; a user of the starter wrote the property
                throw new IllegalArgumentException("pg.conn.pool.reset-on-release: " + misspelt.getMessage(), misspelt);
            }
            return builder.build();
        }
    }

    /** {@code pg.conn.pool.evictions} (tags {@code name}, {@code reason}): connections the pool evicted as unusable. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class EvictionMeter {

        @Bean
        @ConditionalOnMissingBean
        PgConnPoolEvictionsMeterBinder pgConnPoolEvictionsMeterBinder(ObjectProvider<PgConnPoolEvictions> evictions) {
            return new PgConnPoolEvictionsMeterBinder(evictions.orderedStream().toList());
        }
    }

    /**
     * {@code r2dbc.pool.*} for the pool beans when Spring Boot's {@code spring-boot-r2dbc} module, which publishes them
     * ({@code ConnectionPoolMetricsAutoConfiguration}), is not on the class path: a Spring MVC application with
     * pgconn-r2dbc and spring-r2dbc only (NEW-USER-20 F4).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnMissingClass("org.springframework.boot.r2dbc.autoconfigure.metrics.ConnectionPoolMetricsAutoConfiguration")
    static class PoolGauges {

        @Bean
        @ConditionalOnMissingBean
        PgConnPoolGaugesBinder pgConnPoolGaugesBinder(ListableBeanFactory beans) {
            return new PgConnPoolGaugesBinder(beans);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "pg.conn.pool", name = "enabled", havingValue = "false")
    static class Unpooled {

        // the PgConnectionFactory is closed by the starter's shutdown, not through this wrapper
        @Bean(destroyMethod = "")
        ConnectionFactory connectionFactory(PgConnectionFactory pgConnectionFactory,
                ObjectProvider<PgConnStartupCheck> startupCheck, ObjectProvider<PgConnR2dbcDecorators> decorators,
                Environment environment) {
            SpringR2dbcUrlWarning.warnIfSet(environment);
            startupCheck.ifAvailable(PgConnStartupCheck::checkBeforeFirstUse);
            return decorators.getIfAvailable(PgConnR2dbcDecorators::none)
                    .decorate(PgConnR2dbcConnectionFactory.of(pgConnectionFactory));
        }
    }

    /**
     * Spring Boot's {@code ConnectionFactoryDecorator} beans (e.g. r2dbc-proxy's, for its {@code r2dbc.query}
     * observation), ordered as Boot orders them; Boot's own R2DBC configuration, which applies them to its
     * factory, backs off for the starter's.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.r2dbc.ConnectionFactoryDecorator")
    static class BootDecorators {

        @Bean
        PgConnR2dbcDecorators pgConnR2dbcDecorators(ObjectProvider<ConnectionFactoryDecorator> decorators) {
            return new PgConnR2dbcDecorators(decorators.orderedStream()
                    .<UnaryOperator<ConnectionFactory>>map(decorator -> decorator::decorate).toList());
        }
    }
}
