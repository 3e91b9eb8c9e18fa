package io.pgconn.hostile;

import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriberState;
import io.pgconn.notify.SubscriptionEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link NotificationSubscriber}'s LISTEN or UNLISTEN is in flight when the server ends the session
 * (FATAL 57P01, as pg_terminate_backend sends it, instead of the answer): the call does not fail with
 * the lost connection; it completes once the next session LISTENs on exactly the channel set.
 */
class HostileSubscriberIT {

    private static final String OPTIONS = "sslmode=disable";

    private static final ReconnectPolicy QUICK = new ReconnectPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50));

    /**
     * Session 1 answers its first statement and ends the session (FATAL 57P01) on its second; later
     * sessions answer every statement, recorded in {@code laterStatements}, until the client terminates.
     */
    private static ScriptedServer server(Set<String> laterStatements) {
        AtomicInteger sessions = new AtomicInteger();
        return ScriptedServer.start(c -> {
            int session = sessions.incrementAndGet();
            c.readStartupRefusingTls();
            c.send(Backend.trustLogin());
            for (int answered = 0; session > 1 || answered < 1; answered++) { // later sessions: until the client is gone
                Conversation.Message query = c.readMessage();
                if (query.type() == 'X') {
                    return; // Terminate: the subscriber was closed
                }
                assertThat(query.type()).isEqualTo('Q');
                String sql = query.bodyText().trim();
                if (session > 1) {
                    laterStatements.add(sql);
                }
                c.send(Backend.message('C', Backend.cstring(sql.split(" ")[0])), Backend.readyForQuery());
            }
            assertThat(c.readMessage().type()).isEqualTo('Q'); // the call under test, never answered
            c.send(Backend.errorResponse("57P01", "terminating connection due to administrator command"));
            c.awaitClientClose();
        });
    }

    @Test
    void aListenInFlightWhenTheSessionEndsCompletesOnTheNextSession() throws Exception {
        Set<String> secondSession = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = server(secondSession); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(), QUICK, SubscriptionEvents.NONE)
                    .get(5, TimeUnit.SECONDS);
            subscriber.listen("a", n -> { }).get(5, TimeUnit.SECONDS);
            CompletableFuture<Void> listenB = subscriber.listen("b", n -> { });
            listenB.get(5, TimeUnit.SECONDS);
            assertThat(secondSession).containsExactlyInAnyOrder("LISTEN \"a\"", "LISTEN \"b\"");
            assertThat(server.connections()).isEqualTo(2);
            SubscriberState state = subscriber.state();
            assertThat(state.status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(state.channels()).containsExactly("a", "b");
            assertThat(state.lastError()).contains("57P01").doesNotContain(HostileClient.PASSWORD);
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    @Test
    void anUnlistenInFlightWhenTheSessionEndsCompletesOnTheNextSessionWithoutTheChannel() throws Exception {
        Set<String> secondSession = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = server(secondSession); HostileClient client = new HostileClient(server, OPTIONS)) {
            NotificationSubscriber subscriber = NotificationSubscriber.open(client.factory(), QUICK, SubscriptionEvents.NONE)
                    .get(5, TimeUnit.SECONDS);
            subscriber.listen("a", n -> { }).get(5, TimeUnit.SECONDS);
            subscriber.unlisten("a").get(5, TimeUnit.SECONDS);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(secondSession).as("the new session LISTENs on nothing").isEmpty();
            assertThat(subscriber.state().status()).isEqualTo(SubscriberState.Status.LISTENING);
            assertThat(subscriber.state().channels()).isEmpty();
            subscriber.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }
}
