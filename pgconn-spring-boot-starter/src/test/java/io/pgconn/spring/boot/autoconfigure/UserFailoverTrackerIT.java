package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.spring.boot.autoconfigure.health.PgConnHealthContributorAutoConfiguration;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link FailoverTracker} bean the application made for a factory of its own (one it keeps inside a bean of its
 * own type, so the auto-configured factory stays) was taken, by type, as the auto-configured factory's tracker:
 * fed that factory's connects, registered as its tracker for health and meters, and switched to following its
 * health monitors — so it showed the auto-configured factory's host and stopped following its own factory's
 * connects. The auto-configured factory has its own tracker ({@code pgConnFailoverTracker}, replaceable by name
 * only), and each tracker shows its own factory's host (session 16; docs/starter.md §2).
 */
class UserFailoverTrackerIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-user-tracker", 1);

    /** The application's own factory, held by a bean of its own type (a side job), not a PgConnectionFactory bean. */
    static final class SideJob implements AutoCloseable {

        final PgConnectionFactory factory;

        SideJob(PgConnectionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void close() {
            this.factory.close();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SideJobConfiguration {

        @Bean
        FailoverTracker sideTracker() {
            return new FailoverTracker("sidePg");
        }

        @Bean
        SideJob sideJob(FailoverTracker sideTracker) {
            ConnConfig config = ConnConfig.builder().hosts(HostSpec.of("127.0.0.1", PG.standby(0).port()))
                    .user(StarterCluster.USER).password(StarterCluster.PASSWORD).database("postgres")
                    .sslMode(SslMode.DISABLE).extensionTypes().build();
            return new SideJob(PgConnectionFactory.builder(config).tracer(sideTracker).build());
        }
    }

    @Test
    void theAutoConfiguredFactoryHasItsOwnTrackerAndEachShowsItsOwnHost() {
        String primary = StarterCluster.label(PG.primary());
        String standby = StarterCluster.label(PG.standby(0));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnHealthContributorAutoConfiguration.class))
                .withUserConfiguration(SideJobConfiguration.class)
                .withPropertyValues("pg.conn.hosts=" + primary, "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.database=postgres", "pg.conn.ssl.mode=disable",
                        "pg.conn.extension-types=", "pg.conn.startup-check=none", "pg.conn.health.host-check-interval=1h")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    PgConnectionFactory auto = context.getBean(PgConnectionFactory.class);
                    FailoverTracker side = context.getBean("sideTracker", FailoverTracker.class);
                    FailoverTracker own = context.getBean(FailoverTrackers.class).of(PgConnAutoConfiguration.FACTORY_BEAN_NAME, auto);
                    assertThat(own).as("the auto-configured factory's tracker").isNotSameAs(side)
                            .isSameAs(context.getBean("pgConnFailoverTracker"));
                    assertThat(own.factoryName()).isEqualTo(PgConnAutoConfiguration.FACTORY_BEAN_NAME);

                    SideJob job = context.getBean(SideJob.class);
                    closeAfter(job.factory.connect());
                    closeAfter(auto.connect());
                    assertThat(side.lastConnectedHost()).as("only its own factory's connects").isEqualTo(standby);
                    assertThat(own.lastConnectedHost()).isEqualTo(primary);

                    Health health = ((HealthIndicator) context.getBean("pgConnHealthContributor")).health(true);
                    assertThat(health.getDetails()).containsEntry("activeHost", primary);
                    assertThat(own.activeHost()).isEqualTo(primary);
                    closeAfter(job.factory.connect());
                    assertThat(side.activeHost()).as("the side tracker still follows its own factory's connects").isEqualTo(standby);
                });
    }

    private static void closeAfter(CompletableFuture<PgConnection> connect) throws Exception {
        connect.get(10, TimeUnit.SECONDS).close().get(10, TimeUnit.SECONDS);
    }
}
