package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.PgConnHostHealthProperties;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Auto-configuration of the {@code pgConn} health contributor; {@code management.health.pgconn.enabled=false}
 * turns it off. One {@link PgConnHealthIndicator} per {@link PgConnectionFactory} bean: the
 * indicator itself for one factory, a composite keyed by bean name for several (as Boot does for
 * several R2DBC {@code ConnectionFactory} beans). Each shows the R2DBC pools over its factory when
 * there is a {@link PgConnPoolDetails} bean (the R2DBC auto-configuration provides one), and the
 * {@link io.pgconn.notify.NotificationSubscriber} beans over it ({@link PgConnSubscriberDetails}).
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, PgConnectionFactory.class })
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnEnabledHealthIndicator("pgconn")
@EnableConfigurationProperties(PgConnHealthProperties.class)
public final class PgConnHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = { "pgConnHealthIndicator", "pgConnHealthContributor" })
    HealthContributor pgConnHealthContributor(ConfigurableListableBeanFactory beanFactory,
            ObjectProvider<FailoverTrackers> pgConnFailoverTrackers, PgConnHealthProperties properties,
            ObjectProvider<PgConnProperties> pgConnProperties, ObjectProvider<PgConnPoolDetails> pgConnPoolDetails,
            ObjectProvider<ReplicaLags> pgConnReplicaLags) {
        FailoverTrackers trackers = pgConnFailoverTrackers.getIfAvailable(FailoverTrackers::new);
        PgConnHostHealthProperties health = pgConnProperties.getIfAvailable(PgConnProperties::new).getHealth();
        Duration interval = health.getHostCheckInterval();
        PgConnPoolDetails pools = pgConnPoolDetails.getIfAvailable(() -> factory -> Map.of());
        PgConnSubscriberDetails subscribers = PgConnSubscriberDetails.beansOf(beanFactory);
        ReplicaLags lags = pgConnReplicaLags.getIfAvailable(ReplicaLags::new);
        Map<String, PgConnHealthIndicator> indicators = new LinkedHashMap<>();
        beanFactory.getBeansOfType(PgConnectionFactory.class).forEach((name, factory) -> indicators.put(name,
                new PgConnHealthIndicator(factory, trackers.of(name, factory), properties, interval, name, pools,
                        health.isCloseConnectionsWhenUnresponsive(), health.getReloginInterval(), subscribers, lags)));
        return indicators.size() == 1 ? indicators.values().iterator().next() : new PgConnHealthIndicators(indicators);
    }
}
