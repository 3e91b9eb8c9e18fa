package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for a pgconn {@link PgConnectionFactory}:
 * {@code pg.conn.*} and the {@link PgConnConnectionDetails} make a {@link ConnConfig},
 * {@link ConnConfigCustomizer} beans adjust it, and every {@link PgTracer} bean observes the
 * factory's connects. A {@link CodecRegistry} bean (one) becomes the factory's codecs, and
 * {@link PgConnectionFactoryBuilderCustomizer} beans have the last word on its builder. The factory is closed, with its connections, when the context closes.
 * With actuator present, {@link PgConnSanitizingFunction} keeps the passwords out of the
 * {@code env} and {@code configprops} endpoints.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnClass(PgConnectionFactory.class)
@EnableConfigurationProperties(PgConnProperties.class)
public final class PgConnAutoConfiguration {

    /** Bean name of the auto-configured factory: the {@code name} tag of its meters. */
    public static final String FACTORY_BEAN_NAME = "pgConnectionFactory";

    @Bean
    @ConditionalOnMissingBean(PgConnConnectionDetails.class)
    PropertiesPgConnConnectionDetails pgConnConnectionDetails(PgConnProperties properties, Environment environment) {
        return new PropertiesPgConnConnectionDetails(properties, environment);
    }

    /** The starter's observations and meters for a factory of the application's own (README, "Several factories"). */
    @Bean
    @ConditionalOnMissingBean
    PgConnFactoryTracers pgConnFactoryTracers(ObjectProvider<PgConnFactoryTracerSource> sources,
            FailoverTrackers pgConnFailoverTrackers) {
        return new PgConnFactoryTracers(sources, pgConnFailoverTrackers);
    }

    /**
     * Builders for factories derived from the auto-configured one: its SSL bundle, codecs and builder customizers,
     * the starter's tracers for their bean name (README, "Reads on the standby").
     */
    @Bean
    @ConditionalOnMissingBean
    PgConnFactoryBuilders pgConnFactoryBuilders(PgConnProperties properties, ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<CodecRegistry> codecs, ObjectProvider<PgConnectionFactoryBuilderCustomizer> builderCustomizers,
            PgConnFactoryTracers pgConnFactoryTracers) {
        return new PgConnFactoryBuilders(properties, sslBundles, codecs, builderCustomizers, pgConnFactoryTracers);
    }

    @Bean
    @ConditionalOnMissingBean
    FailoverTrackers pgConnFailoverTrackers() {
        return new FailoverTrackers();
    }

    /** Each standby's replay lag, measured by its factory's health monitor, read by health and the meters. */
    @Bean
    @ConditionalOnMissingBean
    ReplicaLags pgConnReplicaLags() {
        return new ReplicaLags();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static class SanitizingConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "pgConnSanitizingFunction")
        PgConnSanitizingFunction pgConnSanitizingFunction(PgConnProperties properties) {
            return new PgConnSanitizingFunction(new BoundPropertySecrets(properties));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(PgConnectionFactory.class)
    static class PgConnectionFactoryConfiguration {

        /**
         * The auto-configured factory's own tracker. Replaced only by a bean of this name: a {@link FailoverTracker}
         * of the application's tracks the application's own factory (it names it), and neither is fed this factory's
         * connects nor stands for it in health and meters (it was both, by type; session 16).
         */
        @Bean
        @ConditionalOnMissingBean(name = "pgConnFailoverTracker")
        FailoverTracker pgConnFailoverTracker(FailoverTrackers pgConnFailoverTrackers) {
            // its session-loss log shared with the other factories' (NEW-USER-23 F7: once per host event)
            return pgConnFailoverTrackers.tracker(FACTORY_BEAN_NAME);
        }

        // closed by PgConnectionFactoryShutdown with pg.conn.shutdown-timeout, not by the inferred close():
        // still as this bean's destruction, so after every bean that depends on it
        @Bean(name = FACTORY_BEAN_NAME, destroyMethod = "")
        PgConnectionFactory pgConnectionFactory(PgConnProperties properties, PgConnConnectionDetails connectionDetails,
                ObjectProvider<ConnConfigCustomizer> customizers, ObjectProvider<PgTracer> tracers, Environment environment,
                FailoverTrackers pgConnFailoverTrackers, @Qualifier("pgConnFailoverTracker") FailoverTracker pgConnFailoverTracker,
                PgConnFactoryBuilders pgConnFactoryBuilders) {
            ConnConfig config = ConnConfigAssembler.assemble(properties, connectionDetails,
                    customizers.orderedStream().toList(), environment);
            SeveralHostsAnyTargetHint.logIfApplies(config);
            PgConnectionFactory.Builder builder = PgConnectionFactory.builder(config)
                    .tracer(CompositePgTracer.of(tracers.orderedStream()
                            // the PgTracer beans, its own tracker among them, but no other factory's tracker
                            .filter(tracer -> !(tracer instanceof FailoverTracker) || tracer == pgConnFailoverTracker).toList()));
            // the SSL bundle, the codecs, the builder customizers: as for a factory derived from this one
            pgConnFactoryBuilders.applyBuilderSettings(builder);
            PgConnectionFactory factory = builder.build();
            // its tracker is one of the tracers: it sees this factory's every connect
            pgConnFailoverTrackers.register(factory, pgConnFailoverTracker);
            return factory;
        }

        @Bean
        PgConnStartupCheck pgConnStartupCheck(PgConnectionFactory pgConnectionFactory, PgConnProperties properties) {
            return new PgConnStartupCheck(pgConnectionFactory, properties.getStartupCheck(),
                    ConnConfigAssembler.secrets(properties, pgConnectionFactory.config()));
        }

        /** Closes the factory as its own destruction, after the beans that depend on it (docs/starter.md §5). */
        @Bean
        static PgConnectionFactoryShutdown pgConnectionFactoryShutdown(ObjectProvider<PgConnProperties> properties) {
            return new PgConnectionFactoryShutdown(properties);
        }
    }
}
