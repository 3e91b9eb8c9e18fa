package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnPoolEviction;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.List;

/**
 * An R2DBC {@link ConnectionFactory} on the application's {@link PgConnectionFactory} when
 * pgconn-r2dbc and Spring R2DBC are present: {@code DatabaseClient}, {@code R2dbcTransactionManager}
 * and Spring Data R2DBC repositories then run on pgconn, with the same {@code pg.conn.*}
 * configuration and one host memory. Pooled with r2dbc-pool ({@code pg.conn.pool.*}); the pool
 * evicts a connection that fails {@code validate(LOCAL)}, so after a failover it does not hand out
 * connections to the old primary. Runs before Boot's R2DBC auto-configuration, which then backs off.
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class,
        beforeName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration")
@ConditionalOnClass(name = {"io.pgconn.r2dbc.PgConnR2dbcConnectionFactory", "io.r2dbc.spi.ConnectionFactory",
        "org.springframework.r2dbc.core.DatabaseClient"})
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnMissingBean(ConnectionFactory.class)
@EnableConfigurationProperties(PgConnPoolProperties.class)
public final class PgConnR2dbcAutoConfiguration {

    /** r2dbc-pool's "no limit". */
    private static final Duration NO_LIMIT = Duration.ofMillis(-1);

    /** {@code pg.conn.pool.*} says zero (or negative) for "no limit", r2dbc-pool says -1 ms. */
    private static Duration orNoLimit(Duration duration) {
        return duration.isZero() || duration.isNegative() ? NO_LIMIT : duration;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "pg.conn.pool", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Pooled {

        // disposed before the PgConnectionFactory it depends on is closed
        @Bean(destroyMethod = "dispose")
        ConnectionPool connectionFactory(PgConnectionFactory pgConnectionFactory, PgConnPoolProperties pool,
                ObjectProvider<PgConnPoolEvictionListener> evictionListeners) {
            Duration maxIdleTime = pool.getMaxIdleTime();
            Duration maxLifeTime = orNoLimit(pool.getMaxLifeTime());
            ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration
                    .builder(PgConnR2dbcConnectionFactory.of(pgConnectionFactory))
                    .name("pgConn")
                    .initialSize(pool.getInitialSize())
                    .maxSize(pool.getMaxSize())
                    .maxIdleTime(maxIdleTime)
                    .maxLifeTime(maxLifeTime)
                    .validationDepth(pool.getValidationDepth());
            builder.maxAcquireTime(orNoLimit(pool.getMaxAcquireTime()));
            List<PgConnPoolEvictionListener> listeners = evictionListeners.orderedStream().toList();
            return new ConnectionPool(PgConnPoolEviction.apply(builder, maxIdleTime, maxLifeTime,
                    reason -> listeners.forEach(listener -> listener.evicted(reason))).build());
        }
    }

    /** {@code pg.conn.pool.evictions} (tag {@code reason}): connections the pool evicted as unusable. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class EvictionMeter {

        @Bean
        PgConnPoolEvictionListener pgConnPoolEvictionMeter(ObjectProvider<MeterRegistry> registries) {
            return reason -> registries.orderedStream().forEach(registry -> Counter.builder("pg.conn.pool.evictions")
                    .description("Pooled R2DBC connections evicted because they failed validate(LOCAL)")
                    .tag("reason", reason).register(registry).increment());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "pg.conn.pool", name = "enabled", havingValue = "false")
    static class Unpooled {

        // the PgConnectionFactory is closed by the starter's shutdown, not through this wrapper
        @Bean(destroyMethod = "")
        PgConnR2dbcConnectionFactory connectionFactory(PgConnectionFactory pgConnectionFactory) {
            return PgConnR2dbcConnectionFactory.of(pgConnectionFactory);
        }
    }
}
