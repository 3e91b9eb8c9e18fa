package io.pgconn.sample.notify;

import io.pgconn.Notification;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.notify.NotificationSubscriber;
import io.pgconn.notify.ReconnectPolicy;
import io.pgconn.notify.SubscriptionEvents;
import io.pgconn.notify.WrongRoleException;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * LISTENs on {@value #CHANNEL} through a {@link NotificationSubscriber}, which re-connects through the
 * factory's failover logic when its server goes away or leaves the primary role (so after the demo
 * failover, or a switchover, it listens on the new primary) and, with {@link ReconnectPolicy#DEFAULT},
 * never gives up; keeps the last {@value #KEEP} notifications and subscription events. The only
 * supervision left is the first open: when no server can be reached at start-up it tries again.
 */
@Component
class NotificationFeed implements SmartLifecycle {

    static final String CHANNEL = "pgconn_sample";
    static final int KEEP = 50;

    /** Waits before opening again while no connection can be made at start-up (e.g. all hosts down): 2 s doubling to 30 s. */
    static final ReconnectPolicy RETRY_OPEN = new ReconnectPolicy(ReconnectPolicy.UNLIMITED, Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    private static final Logger log = LoggerFactory.getLogger(NotificationFeed.class);

    private final PgConnectionFactory factory;
    private final Deque<Received> received = new ConcurrentLinkedDeque<>();
    private final Deque<String> events = new ConcurrentLinkedDeque<>();
    private volatile CompletableFuture<NotificationSubscriber> opening;
    private volatile NotificationSubscriber subscriber;
    private volatile boolean running;

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

    /** What arrived so far, newest first, and where the subscription listens now. */
    FeedView view() {
        NotificationSubscriber current = subscriber;
        PgConnection connection = current == null || current.ended().isDone() ? null : current.connection();
        String listeningOn = connection == null || connection.isClosed() ? null : connection.host();
        return new FeedView(CHANNEL, listeningOn, List.copyOf(received), List.copyOf(events));
    }

    @Override
    public void start() {
        running = true;
        open(1);
    }

    @Override
    public void stop() {
        running = false;
        CompletableFuture<NotificationSubscriber> pending = opening;
        if (pending != null) {
            // close() is safe however far the open got, and after the factory closed
            pending.thenCompose(NotificationSubscriber::close)
                    .completeOnTimeout(null, 5, TimeUnit.SECONDS)
                    .exceptionally(error -> null)
                    .join();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Opens the subscription; again after {@link #RETRY_OPEN} while no server can be reached. */
    private void open(int attempt) {
        if (!running) {
            return;
        }
        opening = NotificationSubscriber.open(factory, ReconnectPolicy.DEFAULT, new Events())
                .thenCompose(s -> s.listen(CHANNEL, this::receive)
                        .handle((ignored, error) -> {
                            if (error != null) {
                                s.close();
                                throw new CompletionException(error);
                            }
                            return s;
                        }))
                .whenComplete((s, error) -> {
                    if (error != null) {
                        Duration wait = RETRY_OPEN.backoff(attempt);
                        event("could not LISTEN: " + rootMessage(error) + "; trying again in " + wait.toSeconds() + " s");
                        CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> open(attempt + 1));
                    } else {
                        subscriber = s;
                        event("listening on " + s.connection().host());
                    }
                });
    }

    private void receive(Notification notification) {
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
        Throwable t = error;
        while (t.getCause() != null && t instanceof CompletionException) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Reports the subscriber's re-connects in the feed, so the page can show the LISTEN moving host. */
    private final class Events implements SubscriptionEvents {
        @Override
        public void reconnecting(int attempt, Throwable cause) {
            if (attempt == 1 && cause instanceof WrongRoleException) {
                event("moving the LISTEN connection (" + cause.getMessage() + ")");
            } else if (attempt == 1) {
                event("lost the LISTEN connection (" + rootMessage(cause) + "); re-connecting");
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
     * @param notifications received notifications, newest first
     * @param events        what the subscription went through, newest first
     */
    record FeedView(String channel, String listeningOn, List<Received> notifications, List<String> events) {
    }
}
