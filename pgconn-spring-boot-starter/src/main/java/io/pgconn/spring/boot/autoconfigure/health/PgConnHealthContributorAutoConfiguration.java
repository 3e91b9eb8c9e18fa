package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pgConn} health indicator; {@code management.health.pgconn.enabled=false}
 * turns it off. Registered for a single (or primary) {@link PgConnectionFactory}; with several,
 * define the indicators you want.
 */
@AutoConfiguration(after = PgConnAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, PgConnectionFactory.class })
@ConditionalOnSingleCandidate(PgConnectionFactory.class)
@ConditionalOnEnabledHealthIndicator("pgconn")
@EnableConfigurationProperties(PgConnHealthProperties.class)
public final class PgConnHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = { "pgConnHealthIndicator", "pgConnHealthContributor" })
    PgConnHealthIndicator pgConnHealthIndicator(PgConnectionFactory pgConnectionFactory,
            FailoverTracker pgConnFailoverTracker, PgConnHealthProperties properties) {
        return new PgConnHealthIndicator(pgConnectionFactory, pgConnFailoverTracker, properties.getTimeout());
    }
}
