package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriberFailure;
import io.pgconn.notify.SubscriberState;
import io.pgconn.notify.SubscriptionEvents;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscriber's {@code lastError} in the {@code pgConn} health is a few words and the host, as a host's is, with
 * its time in {@code lastErrorAt}: never the exception's message, which can hold a file path ({@code sslrootcert}),
 * a database name or the server's text (NEW-USER-19 F11; it used to be "PgConnectException: could not connect to
 * any of 2 hosts ..." with each host's reason).
 */
class SubscriberLastErrorTest {

    private static final Instant AT = Instant.parse("2026-12-06T09:00:00Z");

    @Test
    void eachKindOfFailureIsAFewWordsWithTheServersSqlstateAndTheHost() {
        assertThat(words(SubscriberFailure.Kind.CONNECTION_LOST, "db1:5432", "57P01"))
                .isEqualTo("connection lost: shutting down, SQLSTATE 57P01 (db1:5432)");
        assertThat(words(SubscriberFailure.Kind.CONNECTION_LOST, "db1:5432", null)).isEqualTo("connection lost (db1:5432)");
        assertThat(words(SubscriberFailure.Kind.ROLE_CHANGED, "db1:5432", null)).isEqualTo("server left the wanted role (db1:5432)");
        assertThat(words(SubscriberFailure.Kind.CONNECT_FAILED, "db2:5432", "28P01"))
                .isEqualTo("connect failed: authentication failed, SQLSTATE 28P01 (db2:5432)");
        assertThat(words(SubscriberFailure.Kind.CONNECT_FAILED, null, null)).isEqualTo("connect failed");
        assertThat(words(SubscriberFailure.Kind.CHANNEL_REFUSED, "db1:5432", "42501"))
                .isEqualTo("LISTEN refused: permission denied, SQLSTATE 42501 (db1:5432)");
    }

    @Test
    void aListeningSubscriberShowsItsLastFailureAsHistoryBesideSinceWhenItListens() {
        Instant since = AT.plusSeconds(2);
        SubscriberState state = new SubscriberState(SubscriberState.Status.LISTENING, "db2:5432", Set.of("orders"), 0, since,
                new SubscriberFailure(SubscriberFailure.Kind.ROLE_CHANGED, "db1:5432", null, AT));
        assertThat(PgConnSubscriberDetails.details(state)).containsExactly(Map.entry("status", "listening"),
                Map.entry("host", "db2:5432"), Map.entry("listeningSince", since.toString()),
                Map.entry("channels", List.of("orders")), Map.entry("lastError", "server left the wanted role (db1:5432)"),
                Map.entry("lastErrorAt", AT.toString()));
        SubscriberState fresh = new SubscriberState(SubscriberState.Status.CONNECTING, null, Set.of(), 0, null, null);
        assertThat(PgConnSubscriberDetails.details(fresh)).containsOnlyKeys("status", "channels");
    }

    @Test
    void theLastErrorOfAFailedMultiHostConnectIsTheDecidingHostsInAFewWords() throws IOException {
        int first = closedPort();
        int second = closedPort();
        ConnConfig config = ConnConfig.parse("host=127.0.0.1,127.0.0.1 port=" + first + "," + second
                + " user=app password=Secret-pw dbname=app sslmode=disable extensionTypes='' connect_timeout=5",
                EnvironmentSource.of(Map.of()));
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(1).build()) {
            NotificationSubscriber subscriber = NotificationSubscriber.start(factory, ReconnectPolicy.NEVER, SubscriptionEvents.NONE);
            awaitCondition("the subscriber given up", Duration.ofSeconds(20),
                    () -> subscriber.state().status() == SubscriberState.Status.GAVE_UP);
            Map<String, Object> details = PgConnSubscriberDetails.details(subscriber.state());
            assertThat(details).containsEntry("lastError", "connect failed (127.0.0.1:" + second + ")").containsKey("lastErrorAt");
            assertThat(details.toString()).doesNotContain("Exception").doesNotContain("could not connect")
                    .doesNotContain("Secret-pw");
        }
    }

    private static String words(SubscriberFailure.Kind kind, String host, String sqlState) {
        return SubscriberFailureWords.of(new SubscriberFailure(kind, host, sqlState, AT));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
