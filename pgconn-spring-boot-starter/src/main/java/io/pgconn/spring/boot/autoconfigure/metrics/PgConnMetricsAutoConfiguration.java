package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnFactoryTracerSource;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import io.r2dbc.proxy.observation.QueryObservationConvention;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of pgconn observations and meters. Each part needs its Micrometer API on the
 * class path and its registry bean; the tracers join the auto-configured factory as
 * {@link io.pgconn.trace.PgTracer} beans.
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(PgConnectionFactory.class)
public final class PgConnMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    @EnableConfigurationProperties(PgConnObservationProperties.class)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PgConnObservationTracer pgConnObservationTracer(ObservationRegistry observationRegistry,
                ObjectProvider<PgConnectionFactory> pgConnectionFactory) {
            return new PgConnObservationTracer(observationRegistry, pgConnectionFactory);
        }

        /** Statements of the core API; pgconn-r2dbc's too unless Boot's r2dbc.query observes them (docs/starter.md §4). */
        @Bean
        @ConditionalOnMissingBean
        PgConnStatementObservationTracer pgConnStatementObservationTracer(ObservationRegistry observationRegistry,
                PgConnObservationProperties properties, ListableBeanFactory beanFactory, ObjectProvider<PgConnMeterOwners> meterOwners) {
            return new PgConnStatementObservationTracer(observationRegistry, PgConnAutoConfiguration.FACTORY_BEAN_NAME,
                    properties.isIncludeQueryText(), R2dbcQueryObservation.appliesToTheStartersFactory(beanFactory),
                    properties.isDbNamespaceAsTag(), meterOwners.getIfAvailable());
        }

        /** {@code pg.conn.connect} for a factory of the application's own ({@code PgConnFactoryTracers}). */
        @Bean
        PgConnFactoryTracerSource pgConnConnectObservationForFactories(ObservationRegistry observationRegistry,
                ObjectProvider<PgConnMeterOwners> meterOwners) {
            return (beanName, config) -> new PgConnObservationTracer(observationRegistry, beanName, config, meterOwners.getIfAvailable());
        }

        /**
         * {@code pg.conn.statement} for a factory of the application's own: its R2DBC statements too, as no
         * {@code r2dbc.query} proxy wraps a pool the application builds.
         */
        @Bean
        PgConnFactoryTracerSource pgConnStatementObservationForFactories(ObservationRegistry observationRegistry,
                PgConnObservationProperties properties, ObjectProvider<PgConnMeterOwners> meterOwners) {
            return (beanName, config) -> new PgConnStatementObservationTracer(observationRegistry, beanName,
                    properties.isIncludeQueryText(), false, properties.isDbNamespaceAsTag(), meterOwners.getIfAvailable());
        }

        /** The statement's host on Boot's {@code r2dbc.query} observation of the starter's R2DBC factory (docs/starter.md §4). */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = { "io.pgconn.r2dbc.PgConnUnwrap", "io.r2dbc.proxy.observation.ObservationProxyExecutionListener",
                "org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration" })
        static class R2dbcQueryHostConfiguration {

            /** One bean: replaced by name, nothing of the starter's is left on the proxy (AUDIT-14 L6). */
            @Bean
            @ConditionalOnMissingBean(name = "pgConnR2dbcQueryHostCustomizer")
            R2dbcQueryHostCustomizer pgConnR2dbcQueryHostCustomizer() {
                return new R2dbcQueryHostCustomizer();
            }

            /** r2dbc-proxy's convention plus the host (an application's own QueryObservationConvention replaces it). */
            @Bean
            @ConditionalOnMissingBean(QueryObservationConvention.class)
            QueryObservationConvention pgConnR2dbcQueryHostConvention() {
                return new R2dbcQueryHostConvention();
            }
        }
    }

    /**
     * Which live factories feed the per-factory meters, so that a factory's close removes its own (new user 23 F2). The
     * registry is looked up at a removal: the observations' meters are made by Boot's handler in its registry.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MeterOwnersConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PgConnMeterOwners pgConnMeterOwners(ObjectProvider<MeterRegistry> meterRegistry) {
            return new PgConnMeterOwners(meterRegistry::getIfAvailable);
        }

        /**
         * The {@code # HELP} of the observations' timers (Micrometer's handler makes them without a description); Boot
         * applies every {@code MeterFilter} bean to its registries.
         */
        @Bean
        @ConditionalOnMissingBean
        PgConnTimerDescriptions pgConnTimerDescriptions() {
            return new PgConnTimerDescriptions();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PgConnHostAttemptsCounter pgConnHostAttemptsCounter(MeterRegistry meterRegistry, PgConnMeterOwners meterOwners) {
            // a tracer: only the auto-configured factory, whose bean name is fixed, is given tracers
            return new PgConnHostAttemptsCounter(meterRegistry, PgConnAutoConfiguration.FACTORY_BEAN_NAME, meterOwners);
        }

        /** {@code pg.conn.host.attempts} for a factory of the application's own, tagged with its bean name; removed at its close. */
        @Bean
        PgConnFactoryTracerSource pgConnHostAttemptsForFactories(MeterRegistry meterRegistry, PgConnMeterOwners meterOwners) {
            return (beanName, config) -> new PgConnHostAttemptsCounter(meterRegistry, beanName, meterOwners);
        }

        /** Static: a post-processor, made before the other beans; it looks the registry up only when a subscriber is made. */
        @Bean
        @ConditionalOnMissingBean
        static PgConnSubscriberMeters pgConnSubscriberMeters(ObjectProvider<MeterRegistry> meterRegistry) {
            return new PgConnSubscriberMeters(meterRegistry);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(PgConnectionFactory.class)
        PgConnMeterBinder pgConnMeterBinder(ListableBeanFactory beanFactory, ObjectProvider<FailoverTrackers> pgConnFailoverTrackers,
                ObjectProvider<ReplicaLags> pgConnReplicaLags) {
            // every factory bean, as health lists them: an injected Map<String, PgConnectionFactory> leaves out the
            // beans that are not default candidates, as the "reads on the standby" recipe's (new user 20 F8)
            return new PgConnMeterBinder(beanFactory.getBeansOfType(PgConnectionFactory.class),
                    pgConnFailoverTrackers.getIfAvailable(FailoverTrackers::new), pgConnReplicaLags.getIfAvailable(ReplicaLags::new));
        }
    }
}
