package io.pgconn.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.health.PgConnRuntimeHealthIndicator;
import io.pgconn.spring.boot.autoconfigure.health.PgConnRuntimePoolDetails;
import io.pgconn.spring.boot.autoconfigure.metrics.PgConnRuntimeFactoryMeters;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcRuntimePoolDetails;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnRuntimePoolGauges;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link PgConnRuntimeFactories}, the registry of factories an application makes at runtime, and what the starter gives
 * each registered one: the factory meters and its pools' {@code r2dbc.pool.*} gauges (with a {@code MeterRegistry}), the
 * {@code pgConnRuntime} health component (with actuator; {@code management.health.pgconn.enabled=false} turns it off
 * with {@code pgConn}). New user 23 F3.
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration" })
@ConditionalOnClass(PgConnectionFactory.class)
public final class PgConnRuntimeFactoriesAutoConfiguration {

    private static final String R2DBC_CONNECTION_FACTORY = "io.r2dbc.spi.ConnectionFactory";

    @Bean
    @ConditionalOnMissingBean
    PgConnRuntimeFactories pgConnRuntimeFactories(ObjectProvider<FailoverTrackers> pgConnFailoverTrackers, ListableBeanFactory beans) {
        return new PgConnRuntimeFactories(pgConnFailoverTrackers.getIfAvailable(FailoverTrackers::new), () -> factoryBeanNames(beans));
    }

    /**
     * The bean names the factory meters ({@code PgConnectionFactory} beans) and Boot's and the starter's pool meters (R2DBC
     * {@code ConnectionFactory} beans) carry as their {@code name} tag: a runtime factory may not take one (REVIEW-24 R24-4).
     */
    private static Set<String> factoryBeanNames(ListableBeanFactory beans) {
        Set<String> names = new HashSet<>(Arrays.asList(beans.getBeanNamesForType(PgConnectionFactory.class, false, false)));
        if (ClassUtils.isPresent(R2DBC_CONNECTION_FACTORY, PgConnRuntimeFactoriesAutoConfiguration.class.getClassLoader())) {
            names.addAll(Arrays.asList(beans.getBeanNamesForType(
                    ResolvableType.forClass(ClassUtils.resolveClassName(R2DBC_CONNECTION_FACTORY, PgConnRuntimeFactoriesAutoConfiguration.class.getClassLoader())),
                    false, false)));
        }
        return names;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Meters {

        @Bean
        @ConditionalOnMissingBean
        PgConnRuntimeFactoryMeters pgConnRuntimeFactoryMeters(MeterRegistry meterRegistry, PgConnRuntimeFactories pgConnRuntimeFactories,
                ObjectProvider<FailoverTrackers> pgConnFailoverTrackers) {
            PgConnRuntimeFactoryMeters meters = new PgConnRuntimeFactoryMeters(meterRegistry,
                    pgConnFailoverTrackers.getIfAvailable(FailoverTrackers::new));
            pgConnRuntimeFactories.addListener(meters);
            return meters;
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "io.r2dbc.pool.ConnectionPool")
        static class PoolGauges {

            @Bean
            @ConditionalOnMissingBean
            PgConnRuntimePoolGauges pgConnRuntimePoolGauges(MeterRegistry meterRegistry, PgConnRuntimeFactories pgConnRuntimeFactories) {
                PgConnRuntimePoolGauges gauges = new PgConnRuntimePoolGauges(meterRegistry);
                pgConnRuntimeFactories.addListener(gauges);
                return gauges;
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("pgconn")
    static class HealthConfiguration {

        /** The {@code pgConnRuntime} component: one aggregate of every registered factory. */
        @Bean
        @ConditionalOnMissingBean(name = "pgConnRuntimeHealthIndicator")
        PgConnRuntimeHealthIndicator pgConnRuntimeHealthIndicator(PgConnRuntimeFactories pgConnRuntimeFactories,
                ObjectProvider<PgConnRuntimePoolDetails> poolDetails) {
            return new PgConnRuntimeHealthIndicator(pgConnRuntimeFactories, poolDetails.getIfAvailable(() -> pool -> Map.of()));
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "io.r2dbc.pool.ConnectionPool")
        static class Pools {

            @Bean
            @ConditionalOnMissingBean
            PgConnRuntimePoolDetails pgConnRuntimePoolDetails() {
                return new PgConnR2dbcRuntimePoolDetails();
            }
        }
    }
}
