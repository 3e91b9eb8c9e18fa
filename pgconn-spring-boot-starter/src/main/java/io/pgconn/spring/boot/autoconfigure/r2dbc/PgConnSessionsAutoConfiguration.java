package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * {@link PgConnSessions} on the application's R2DBC {@link ConnectionFactory} (the starter's pool, or the
 * application's own over {@code PgConnR2dbcConnectionFactory}): blocking core-API work in a transaction
 * for a Spring MVC application. No {@code TransactionManager} bean (docs/starter.md §2b).
 */
@AutoConfiguration(after = {PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class})
@ConditionalOnClass(name = {"io.pgconn.r2dbc.PgConnR2dbcConnectionFactory", "io.r2dbc.spi.ConnectionFactory",
        "reactor.core.publisher.Mono"})
@ConditionalOnBean(PgConnectionFactory.class)
@ConditionalOnSingleCandidate(ConnectionFactory.class)
public final class PgConnSessionsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PgConnSessions pgConnSessions(ConnectionFactory connectionFactory) {
        return new PgConnSessions(connectionFactory);
    }
}
