package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.ListeningSubscribers;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.Map;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link NotificationSubscriber} whose {@link ReconnectPolicy} ran out of attempts listens no more,
 * not even once its server is back: {@code pgConn} is {@code DOWN}, its {@code error} naming the
 * subscriber and why, with no secret — while the hosts are down, and after they are up
 * again. A re-connecting subscriber is not {@code DOWN} ({@link PgConnSubscriberHealthIT}).
 */
class PgConnSubscriberGaveUpHealthIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-subscriber-gave-up", 0);

    @Configuration(proxyBeanMethods = false)
    static class Subscribers {

        @Bean
        NotificationSubscriber ordersSubscriber(PgConnectionFactory factory) {
            // two re-connects, 50 then 100 ms apart, after a loss: then it gives up
            return ListeningSubscribers.listeningTo("orders", factory,
                    new ReconnectPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100)));
        }
    }

    @Test
    void aSubscriberThatGaveUpTurnsHealthDownNamingItAndWhyEvenWithTheServerBack() {
        String host = StarterCluster.label(PG.primary());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnHealthContributorAutoConfiguration.class))
                .withUserConfiguration(Subscribers.class)
                .withPropertyValues("pg.conn.hosts=" + host, "pg.conn.ssl.mode=disable", "pg.conn.database=postgres",
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "pg.conn.health.host-check-interval=100ms")
                .run(context -> {
                    // the monitor's probes and the subscriber's connect are independent: wait for both
                    awaitCondition("the subscriber listening and health UP", Duration.ofSeconds(20),
                            () -> "listening".equals(subscriberDetails(context).get("status"))
                                    && health(context).getStatus().equals(Status.UP));
                    try {
                        PG.primary().stop();
                        awaitCondition("the subscriber given up", Duration.ofSeconds(20),
                                () -> "gave-up".equals(subscriberDetails(context).get("status")));
                        Health stopped = health(context);
                        assertThat(stopped.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(String.valueOf(stopped.getDetails().get("error")))
                                .contains("notification subscriber 'ordersSubscriber' gave up re-connecting: ");
                    } finally {
                        PG.primary().start();
                    }
                    awaitCondition("the host up again", Duration.ofSeconds(20),
                            () -> health(context).getDetails().containsKey("activeHost"));
                    Health back = health(context);
                    assertThat(back.getStatus()).as("with the server back").isEqualTo(Status.DOWN);
                    String error = String.valueOf(back.getDetails().get("error"));
                    Map<String, Object> subscriber = subscriberDetails(context);
                    assertThat(subscriber).containsEntry("status", "gave-up").containsKey("lastError");
                    assertThat(error).isEqualTo("notification subscriber 'ordersSubscriber' gave up re-connecting: "
                            + subscriber.get("lastError"));
                    assertThat(String.valueOf(subscriber.get("lastError"))).contains(host); // why: the server it could not reach
                    assertThat(back.toString()).doesNotContain(StarterCluster.PASSWORD);
                });
    }

    private static Health health(ApplicationContext context) {
        return ((HealthIndicator) context.getBean("pgConnHealthContributor", HealthContributor.class)).health(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subscriberDetails(ApplicationContext context) {
        Map<String, Object> subscribers = (Map<String, Object>) health(context).getDetails().get("subscribers");
        return (Map<String, Object>) subscribers.get("ordersSubscriber");
    }
}
