package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriberState;
import io.pgconn.notify.SubscriptionEvents;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber's {@code lastError} in the {@code pgConn} health is its error on one line, all of it: a connect to
 * several hosts that failed lists each host's reason on a line of its own, and health showed only the first line,
 * "could not connect to any of 2 hosts (target_session_attrs=...):" with nothing after the colon (NEW-USER-12 L1).
 */
class SubscriberLastErrorTest {

    @Test
    void theLastErrorOfAFailedMultiHostConnectNamesEachHostsReason() throws IOException {
        int first = closedPort();
        int second = closedPort();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + first + "," + second
                + " user=app password=Secret-pw dbname=app sslmode=disable extensionTypes='' connect_timeout=5",
                EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(1).build()) {
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.NEVER, SubscriptionEvents.NONE);
            awaitCondition("the subscriber given up", Duration.ofSeconds(20),
                    () -> subscriber.state().status() == SubscriberState.Status.GAVE_UP);
            Object lastError = PgConnSubscriberDetails.details(subscriber.state()).get("lastError");
            assertThat(lastError).asString()
                    .startsWith("PgConnectException: could not connect to any of 2 hosts (target_session_attrs=any): ")
                    .contains("127.0.0.1:" + first + ": ").contains("; 127.0.0.1:" + second + ": ")
                    .doesNotContain("\n").doesNotContain("Secret-pw")
                    .hasSizeLessThanOrEqualTo(200);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
