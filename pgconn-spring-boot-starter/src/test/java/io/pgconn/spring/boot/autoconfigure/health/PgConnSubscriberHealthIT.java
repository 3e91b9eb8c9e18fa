package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
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
import org.springframework.context.annotation.Lazy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pgConn} health lists each {@link NotificationSubscriber} bean's state under
 * {@code subscribers}: listening (host, channels), re-connecting while new logins are refused (the
 * attempt and the refusal, no password), listening again; a lazy subscriber nobody asked for is not
 * created by a health check; the context's close ends the subscriber.
 */
class PgConnSubscriberHealthIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-subscriber-health", 0);

    @Configuration(proxyBeanMethods = false)
    static class Subscribers {

        @Bean
        NotificationSubscriber ordersSubscriber(PgConnectionFactory factory) {
            return ListeningSubscribers.listeningTo("orders", factory, ListeningSubscribers.QUICK_FOREVER);
        }

        @Bean
        @Lazy
        NotificationSubscriber neverAskedFor(PgConnectionFactory factory) {
            throw new AssertionError("a health check created a lazy subscriber");
        }
    }

    @Test
    void healthShowsEachSubscriberBeansState() throws Exception {
        String host = StarterCluster.label(PG.primary());
        AtomicReference<NotificationSubscriber> subscriber = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnHealthContributorAutoConfiguration.class))
                .withUserConfiguration(Subscribers.class)
                .withPropertyValues("pg.conn.hosts=" + host, "pg.conn.ssl.mode=disable", "pg.conn.database=postgres",
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "pg.conn.health.host-check-interval=100ms")
                .run(context -> {
                    subscriber.set(context.getBean("ordersSubscriber", NotificationSubscriber.class));
                    awaitCondition("the subscriber listening", Duration.ofSeconds(20),
                            () -> "listening".equals(subscriberDetails(context).get("status")));
                    assertThat(subscribers(context)).containsOnlyKeys("ordersSubscriber");
                    assertThat(subscriberDetails(context)).containsEntry("host", host)
                            .containsEntry("channels", List.of("orders")).doesNotContainKey("lastError");
                    try {
                        PG.primary().execute("ALTER ROLE " + StarterCluster.USER + " PASSWORD 'rotated-Pa55'");
                        PG.primary().execute("SELECT pg_terminate_backend(" + subscriber.get().connection().processId() + ")");
                        awaitCondition("the subscriber re-connecting, its logins refused", Duration.ofSeconds(20),
                                () -> ("connect failed: authentication failed, SQLSTATE 28P01 (" + host + ")").equals(subscriberDetails(context).get("lastError")));
                        Map<String, Object> reconnecting = subscriberDetails(context);
                        assertThat(reconnecting).containsEntry("status", "reconnecting")
                                .containsEntry("channels", List.of("orders")).containsKey("attempt").doesNotContainKey("host");
                        assertThat(reconnecting.toString()).doesNotContain("rotated-Pa55").doesNotContain(StarterCluster.PASSWORD);
                    } finally {
                        PG.primary().execute("ALTER ROLE " + StarterCluster.USER + " PASSWORD '" + StarterCluster.PASSWORD + "'");
                    }
                    awaitCondition("the subscriber listening again", Duration.ofSeconds(20),
                            () -> "listening".equals(subscriberDetails(context).get("status")));
                });
        subscriber.get().ended().get(10, TimeUnit.SECONDS); // Spring's inferred destroy method: close()
    }

    /**
     * NEW-USER-19 F11: after its connection was lost a subscriber listens again, and health shows that — {@code status}
     * {@code listening}, {@code listeningSince} — beside the loss as history: {@code lastError} in the hosts' few words
     * (what failed, the server's SQLSTATE, the host) and {@code lastErrorAt}, before {@code listeningSince}; never the
     * exception's type or the server's message text (it showed "PgClosedException: ... terminating connection due to
     * administrator command" for as long as the application ran, and a TLS or 3D000 message puts a file path or a
     * database name into the public JSON).
     */
    @Test
    void aSubscriberListeningAgainShowsItsLastFailureInAFewWordsWithItsTime() throws Exception {
        String host = StarterCluster.label(PG.primary());
        AtomicReference<NotificationSubscriber> subscriber = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnHealthContributorAutoConfiguration.class))
                .withUserConfiguration(Subscribers.class)
                .withPropertyValues("pg.conn.hosts=" + host, "pg.conn.ssl.mode=disable", "pg.conn.database=postgres",
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.extension-types=", "pg.conn.startup-check=none")
                .run(context -> {
                    subscriber.set(context.getBean("ordersSubscriber", NotificationSubscriber.class));
                    awaitCondition("the subscriber listening", Duration.ofSeconds(20),
                            () -> "listening".equals(subscriberDetails(context).get("status")));
                    int firstPid = subscriber.get().connection().processId();
                    Instant beforeTheLoss = Instant.now();
                    PG.primary().execute("SELECT pg_terminate_backend(" + firstPid + ")");
                    awaitCondition("the subscriber listening on a new connection", Duration.ofSeconds(20),
                            () -> "listening".equals(subscriberDetails(context).get("status"))
                                    && subscriber.get().connection().processId() != firstPid);
                    Map<String, Object> again = subscriberDetails(context);
                    assertThat(again).containsEntry("host", host).containsEntry("channels", List.of("orders"))
                            .containsEntry("lastError", "connection lost: shutting down, SQLSTATE 57P01 (" + host + ")")
                            .doesNotContainKey("attempt");
                    Instant lastErrorAt = Instant.parse(String.valueOf(again.get("lastErrorAt")));
                    Instant listeningSince = Instant.parse(String.valueOf(again.get("listeningSince")));
                    assertThat(lastErrorAt).isAfterOrEqualTo(beforeTheLoss).isBeforeOrEqualTo(listeningSince);
                    assertThat(again.toString()).doesNotContain("terminating").doesNotContain("Exception")
                            .doesNotContain(StarterCluster.PASSWORD);
                    assertThat(health(context).getStatus()).isEqualTo(Status.UP);
                });
        subscriber.get().ended().get(10, TimeUnit.SECONDS);
    }

    private static Health health(ApplicationContext context) {
        return ((HealthIndicator) context.getBean("pgConnHealthContributor", HealthContributor.class)).health(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subscribers(ApplicationContext context) {
        return (Map<String, Object>) health(context).getDetails().get("subscribers");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subscriberDetails(ApplicationContext context) {
        return (Map<String, Object>) subscribers(context).get("ordersSubscriber");
    }
}
