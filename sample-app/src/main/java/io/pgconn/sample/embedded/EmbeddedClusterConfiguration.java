package io.pgconn.sample.embedded;

import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import io.pgconn.spring.boot.autoconfigure.PgConnProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the application on an embedded primary + standby, the way Spring Boot's Docker Compose and
 * Testcontainers support do: a {@link PgConnConnectionDetails} bean hands the cluster's hosts,
 * credentials and CA to the starter, whose factory is therefore created after the cluster is up (and
 * closed before it stops). Behaviour settings ({@code target-session-attrs}, {@code require-auth},
 * timeouts) still come from {@code pg.conn.*}. Off with {@code sample.embedded-cluster.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedCluster
class EmbeddedClusterConfiguration {

    /**
     * The cluster {@link EmbeddedClusterInitializer} began starting before the refresh; started here
     * when the context was built without it. Creates the user and database named in
     * {@code pg.conn.username} / {@code pg.conn.database}.
     */
    @Bean(destroyMethod = "close")
    EmbeddedCluster embeddedCluster(ObjectProvider<EmbeddedClusterStartup> startup, PgConnProperties properties) {
        EmbeddedClusterStartup begun = startup.getIfAvailable();
        if (begun != null) {
            return begun.await();
        }
        return EmbeddedCluster.start(
                properties.getUsername() != null ? properties.getUsername() : EmbeddedClusterInitializer.DEFAULT_NAME,
                properties.getDatabase() != null ? properties.getDatabase() : EmbeddedClusterInitializer.DEFAULT_NAME);
    }

    @Bean
    PgConnConnectionDetails embeddedClusterConnectionDetails(EmbeddedCluster cluster) {
        return new EmbeddedClusterConnectionDetails(cluster);
    }
}
