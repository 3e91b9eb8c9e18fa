package io.pgconn.sample.embedded;

import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the application on an embedded primary + standby, the way Spring Boot's Docker Compose and
 * Testcontainers support do: the cluster starts first, and a {@link PgConnConnectionDetails} bean hands
 * its hosts, credentials and CA to the starter, whose factory is therefore created after it (and closed
 * before it stops). Behaviour settings ({@code target-session-attrs}, {@code require-auth}, timeouts)
 * still come from {@code pg.conn.*}. Off with {@code sample.embedded-cluster.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedCluster
class EmbeddedClusterConfiguration {

    private static final String DEFAULT_NAME = "app";

    /** The user and database named in {@code pg.conn.username} / {@code pg.conn.database} are created. */
    @Bean(destroyMethod = "close")
    EmbeddedCluster embeddedCluster(PgConnProperties properties) {
        return EmbeddedCluster.start(
                properties.getUsername() != null ? properties.getUsername() : DEFAULT_NAME,
                properties.getDatabase() != null ? properties.getDatabase() : DEFAULT_NAME);
    }

    @Bean
    PgConnConnectionDetails embeddedClusterConnectionDetails(EmbeddedCluster cluster) {
        return new EmbeddedClusterConnectionDetails(cluster);
    }
}
