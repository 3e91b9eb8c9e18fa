package io.pgconn.sample.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.SubscriberState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The notification feed survives a primary that is down at boot: the context starts, the subscriber
 * bean connects in the background (CONNECTING, its channel already in its set), the page says so;
 * the context's close ends the subscriber.
 */
class NotifyConfigurationTest {

    @Test
    void theApplicationStartsWhileNoServerAcceptsAndTheSubscriberKeepsTrying() throws Exception {
        ConnConfig down = ConnConfig.parse("host=127.0.0.1 port=" + refusedPort()
                + " dbname=postgres user=u password=secret-Pa55 sslmode=disable", EnvironmentSource.of(Map.of()));
        AtomicReference<NotificationSubscriber> subscriber = new AtomicReference<>();
        new ApplicationContextRunner()
                .withBean(PgConnectionFactory.class, () -> PgConnectionFactory.builder(down).threads(1).build())
                .withUserConfiguration(NotificationFeed.class, NotifyConfiguration.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    subscriber.set(context.getBean(NotificationSubscriber.class));
                    NotificationFeed feed = context.getBean(NotificationFeed.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.get().state().attempt() >= 2);
                    SubscriberState state = subscriber.get().state();
                    assertThat(state.status()).isEqualTo(SubscriberState.Status.CONNECTING);
                    assertThat(state.channels()).containsExactly(NotificationFeed.CHANNEL);
                    NotificationFeed.FeedView view = feed.view(state);
                    assertThat(view.listeningOn()).isNull();
                    assertThat(view.status()).isEqualTo("connecting");
                    assertThat(view.events()).anySatisfy(event -> assertThat(event)
                            .contains("no LISTEN connection").contains("connecting in the background")
                            .doesNotContain("secret-Pa55"));
                });
        subscriber.get().ended().get(10, TimeUnit.SECONDS);
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
