package io.pgconn.sample.notify;

import io.pgconn.FutureFailures;
import io.pgconn.Notification;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriberState;
import io.pgconn.notify.SubscriptionEvents;
import io.pgconn.notify.WrongRoleException;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the application's LISTEN on {@value #CHANNEL} received: the last {@value #KEEP} notifications
 * and subscription events, for the page. The subscription itself is the {@link NotificationSubscriber}
 * bean of {@link NotifyConfiguration}, {@link NotificationSubscriber#start started} in the background:
 * it re-connects through the factory's failover logic when its server goes away or leaves the primary
 * role (so after the demo failover, or a switchover, it listens on the new primary), never gives up
 * ({@link ReconnectPolicy#DEFAULT}), and a primary that is down at boot only delays its first LISTEN.
 */
@Component
class NotificationFeed {

    static final String CHANNEL = "pgconn_sample";
    static final int KEEP = 50;

    private static final Logger log = LoggerFactory.getLogger(NotificationFeed.class);

    private final PgConnectionFactory factory;
    private final Deque<Received> received = new ConcurrentLinkedDeque<>();
    private final Deque<String> events = new ConcurrentLinkedDeque<>();

    NotificationFeed(PgConnectionFactory factory) {
        this.factory = factory;
    }

    /** Sends {@code message} on {@value #CHANNEL} over a connection of its own. */
    CompletableFuture<Sent> publish(String message) {
        String sql = NotifyPayload.notifySql(CHANNEL, message);
        return factory.connect().thenCompose(connection -> connection.simpleQuery(sql)
                .thenApply(ignored -> new Sent(CHANNEL, message, connection.host()))
                .whenComplete((sent, error) -> connection.close()));
    }

    /** What arrived so far, newest first, and where the subscription ({@code state}) listens now. */
    FeedView view(SubscriberState state) {
        return new FeedView(CHANNEL, state.host(), state.status().name().toLowerCase(Locale.ROOT),
                List.copyOf(received), List.copyOf(events));
    }

    /** The subscription's events, reported in the feed so the page can show the LISTEN moving host. */
    SubscriptionEvents events() {
        return new Events();
    }

    /** The end of the LISTEN on {@value #CHANNEL}: null once a connection LISTENs, else why it never will. */
    void listenResult(Throwable error) {
        if (error != null) {
            event("could not LISTEN: " + rootMessage(error));
        }
    }

    void receive(Notification notification) {
        received.addFirst(new Received(notification.payload(), notification.processId(), Instant.now()));
        while (received.size() > KEEP) {
            received.pollLast();
        }
    }

    private void event(String what) {
        log.info("Notification feed: {}", what);
        events.addFirst(Instant.now() + " " + what);
        while (events.size() > KEEP) {
            events.pollLast();
        }
    }

    private static String rootMessage(Throwable error) {
        return FutureFailures.unwrap(error).getMessage();
    }

    private final class Events implements SubscriptionEvents {
        @Override
        public void connected(PgConnection connection) {
            event("listening on " + connection.host());
        }

        @Override
        public void reconnecting(int attempt, Throwable cause) {
            if (attempt != 1) {
                return; // one line per outage, not one per attempt
            }
            if (cause instanceof WrongRoleException) {
                event("moving the LISTEN connection (" + cause.getMessage() + ")");
            } else {
                event("no LISTEN connection (" + rootMessage(cause) + "); connecting in the background");
            }
        }

        @Override
        public void reconnected(PgConnection connection, int attempts) {
            event("listening again on " + connection.host() + " after " + attempts + " attempt(s)");
        }

        @Override
        public void gaveUp(Throwable cause) {
            event("gave up re-connecting: " + rootMessage(cause)); // not with ReconnectPolicy.DEFAULT
        }
    }

    /**
     * @param payload         the NOTIFY payload
     * @param senderProcessId the process id of the backend that sent it
     * @param receivedAt      when the listener got it
     */
    record Received(String payload, int senderProcessId, Instant receivedAt) {
    }

    /**
     * @param channel the channel
     * @param message the payload sent
     * @param sentVia {@code host:port} of the server that ran the NOTIFY
     */
    record Sent(String channel, String message, String sentVia) {
    }

    /**
     * @param channel       the channel listened on
     * @param listeningOn   {@code host:port} of the LISTEN connection; null while there is none
     * @param status        the subscription's status: connecting, listening, reconnecting, closed
     * @param notifications received notifications, newest first
     * @param events        what the subscription went through, newest first
     */
    record FeedView(String channel, String listeningOn, String status, List<Received> notifications, List<String> events) {
    }
}
