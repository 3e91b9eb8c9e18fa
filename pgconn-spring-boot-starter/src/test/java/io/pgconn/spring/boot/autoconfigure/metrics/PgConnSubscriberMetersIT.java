package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.ListeningSubscribers;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Scope;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 9's F5: each {@link NotificationSubscriber} bean has meters — its status as a gauge per status,
 * its re-connects and the notifications it received — tagged with its bean name only; a lazy subscriber
 * nobody asked for has none (and is not created for them); the meters go with the bean.
 */
class PgConnSubscriberMetersIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-subscriber-meters", 0);

    @Configuration(proxyBeanMethods = false)
    static class Subscribers {

        @Bean
        NotificationSubscriber ordersSubscriber(PgConnectionFactory factory) {
            return ListeningSubscribers.listeningTo("orders_secret_channel", factory, ListeningSubscribers.QUICK_FOREVER);
        }

        @Bean
        @Lazy
        NotificationSubscriber neverAskedFor(PgConnectionFactory factory) {
            throw new AssertionError("the meters created a lazy subscriber");
        }
    }

    @Test
    void eachSubscriberBeanHasStatusReconnectAndNotificationMeters() throws Exception {
        AtomicReference<MeterRegistry> registry = new AtomicReference<>();
        AtomicReference<NotificationSubscriber> subscriber = new AtomicReference<>();
        meteredContext(Subscribers.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PgConnSubscriberMeters.class);
            registry.set(context.getBean(MeterRegistry.class));
            subscriber.set(context.getBean("ordersSubscriber", NotificationSubscriber.class));
            awaitCondition("listening, by its gauge", Duration.ofSeconds(20), () -> status(context, "listening") == 1);
            assertThat(status(context, "connecting")).isZero();
            assertThat(status(context, "reconnecting")).isZero();
            assertThat(status(context, "gave-up")).isZero();
            assertThat(counter(context, "pg.conn.subscriber.reconnects")).isZero();
            assertThat(counter(context, "pg.conn.subscriber.notifications")).isZero();

            PgConnection notifier = context.getBean(PgConnectionFactory.class).connect().get(10, TimeUnit.SECONDS);
            notifier.simpleQuery("NOTIFY orders_secret_channel, 'payload-secret'").get(10, TimeUnit.SECONDS);
            notifier.simpleQuery("NOTIFY orders_secret_channel, 'payload-secret'").get(10, TimeUnit.SECONDS);
            awaitCondition("2 notifications counted", Duration.ofSeconds(20),
                    () -> counter(context, "pg.conn.subscriber.notifications") == 2);
            notifier.close().get(10, TimeUnit.SECONDS);

            PG.primary().execute("SELECT pg_terminate_backend(" + subscriber.get().connection().processId() + ")");
            awaitCondition("1 re-connect counted", Duration.ofSeconds(20),
                    () -> counter(context, "pg.conn.subscriber.reconnects") == 1);
            awaitCondition("listening again", Duration.ofSeconds(20), () -> status(context, "listening") == 1);

            for (Meter meter : meters(context)) {
                assertThat(meter.getId().getTag("subscriber")).isEqualTo("ordersSubscriber");
                assertThat(meter.getId().getTags()).extracting(tag -> tag.getKey())
                        .isSubsetOf("db.system.name", "subscriber", "status");
                assertThat(meter.getId().toString()).doesNotContain("secret").doesNotContain(StarterCluster.PASSWORD);
            }
            assertThat(meters(context)).as("5 status gauges and 2 counters, none for the lazy bean").hasSize(7);
        });
        subscriber.get().ended().get(10, TimeUnit.SECONDS);
        assertThat(registry.get().find("pg.conn.subscriber.status").meters()).as("removed with the bean").isEmpty();
        assertThat(registry.get().find("pg.conn.subscriber.reconnects").meters()).isEmpty();
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeSubscribers {

        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        NotificationSubscriber perRequestSubscriber(PgConnectionFactory factory) {
            return ListeningSubscribers.listeningTo("per_request_channel", factory, ListeningSubscribers.QUICK_FOREVER);
        }
    }

    /**
     * REVIEW-13 L5: the meters were keyed by bean name. Every instance of a prototype-scoped subscriber registered
     * under the same name (Micrometer kept the first instance's meters, so the second had none of its own) and
     * Spring gives a prototype no destruction callback, so they stayed after the instances ended. Meters, as health
     * (§3), are for singleton subscribers: a prototype's instances get none.
     */
    @Test
    void aPrototypeSubscribersInstancesGetNoMetersThatWouldOutliveThem() throws Exception {
        meteredContext(Subscribers.class, PrototypeSubscribers.class).run(context -> {
            NotificationSubscriber first = context.getBean("perRequestSubscriber", NotificationSubscriber.class);
            NotificationSubscriber second = context.getBean("perRequestSubscriber", NotificationSubscriber.class);
            assertThat(first).isNotSameAs(second);
            first.close().get(10, TimeUnit.SECONDS);
            second.close().get(10, TimeUnit.SECONDS);
            assertThat(meters(context)).as("the singleton's meters only")
                    .allSatisfy(meter -> assertThat(meter.getId().getTag("subscriber")).isEqualTo("ordersSubscriber"))
                    .hasSize(7);
        });
    }

    /** The starter's factory and meters on this class's server, a {@code SimpleMeterRegistry}, the subscribers given. */
    private static ApplicationContextRunner meteredContext(Class<?>... subscribers) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .withUserConfiguration(subscribers)
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.extension-types=", "pg.conn.startup-check=none");
    }

    private static java.util.List<Meter> meters(ApplicationContext context) {
        return context.getBean(MeterRegistry.class).getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("pg.conn.subscriber.")).toList();
    }

    private static double status(ApplicationContext context, String status) {
        return context.getBean(MeterRegistry.class).get("pg.conn.subscriber.status")
                .tag("subscriber", "ordersSubscriber").tag("status", status).gauge().value();
    }

    private static double counter(ApplicationContext context, String name) {
        return context.getBean(MeterRegistry.class).get(name).tag("subscriber", "ordersSubscriber").functionCounter().count();
    }
}
