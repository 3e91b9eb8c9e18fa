package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.health.PgConnPoolDetails;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the {@code pgConn} health shows about the r2dbc-pool pools over each {@code PgConnectionFactory}
 * bean: the starter's pool, and also an application's own {@code ConnectionPool} bean over
 * {@code PgConnR2dbcConnectionFactory.of(factory)} — with one of its own,
 * {@link PgConnR2dbcAutoConfiguration} backs off, this does not; and {@link PgConnPoolBuilders}, whose pools show
 * their evictions and session hosts here and in {@code pg.conn.pool.evictions} as the starter's pool does.
 */
@AutoConfiguration(after = PgConnR2dbcAutoConfiguration.class)
@ConditionalOnClass(name = {"io.pgconn.r2dbc.PgConnR2dbcConnectionFactory", "io.r2dbc.pool.ConnectionPool"})
@ConditionalOnBean(PgConnectionFactory.class)
public final class PgConnR2dbcPoolDetailsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PgConnPoolDetails pgConnPoolDetails(ListableBeanFactory beanFactory, ObjectProvider<PgConnPoolEvictions> evictions,
            ObjectProvider<PgConnPoolSessionHosts> sessionHosts, ObjectProvider<PgConnPoolBuilders> poolBuilders) {
        return new PgConnR2dbcPoolDetails(beanFactory, evictions.orderedStream().toList(), sessionHosts.orderedStream().toList(),
                poolBuilders.getIfAvailable());
    }

    /** Pools of the application's own that report in health and meters as the starter's does (NEW-USER-28 F2). */
    @Bean
    @ConditionalOnMissingBean
    PgConnPoolBuilders pgConnPoolBuilders() {
        return new PgConnPoolBuilders();
    }

    /** {@code pg.conn.pool.evictions} of the pools {@link PgConnPoolBuilders} builds. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class BuiltPoolsEvictionMeter {

        @Bean
        @ConditionalOnMissingBean(name = "pgConnPoolBuildersEvictionsMeterBinder")
        PgConnPoolEvictionsMeterBinder pgConnPoolBuildersEvictionsMeterBinder(PgConnPoolBuilders pgConnPoolBuilders) {
            return new PgConnPoolEvictionsMeterBinder(pgConnPoolBuilders);
        }
    }
}
