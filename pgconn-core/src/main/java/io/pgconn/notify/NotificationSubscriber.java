package io.pgconn.notify;

import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A LISTEN connection that survives its server (docs/lifecycle.md §4): when the connection is lost
 * it re-connects through the factory's failover logic with backoff, re-issues LISTEN for every
 * channel, and reports what happened. Notifications sent while it was away are lost — PostgreSQL
 * does not queue them for absent listeners.
 */
public final class NotificationSubscriber {

    private final PgConnectionFactory factory;
    private final ReconnectPolicy policy;
    private final SubscriptionEvents events;
    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile PgConnection connection;
    private volatile boolean closing;

    private NotificationSubscriber(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events) {
        this.factory = factory;
        this.policy = policy;
        this.events = events;
    }

    /** Opens the subscription's first connection. */
    public static CompletableFuture<NotificationSubscriber> open(PgConnectionFactory factory, ReconnectPolicy policy,
                                                                 SubscriptionEvents events) {
        NotificationSubscriber subscriber = new NotificationSubscriber(factory, policy, events);
        return factory.connect().thenApply(c -> {
            subscriber.attach(c);
            return subscriber;
        });
    }

    /** The connection currently carrying the subscription. */
    public PgConnection connection() {
        return connection;
    }

    public CompletableFuture<Void> listen(String channel, NotificationListener listener) {
        listeners.put(channel, listener);
        return connection.listen(channel, relay(channel));
    }

    public CompletableFuture<Void> unlisten(String channel) {
        NotificationListener removed = listeners.remove(channel);
        CompletableFuture<Void> done = connection.unlisten(channel);
        if (removed != null) {
            done = done.whenComplete((ok, error) -> removed.onComplete(null));
        }
        return done;
    }

    /** Ends the subscription: closes the connection, completes every listener. */
    public CompletableFuture<Void> close() {
        closing = true;
        return connection.close().thenRun(() -> end(null));
    }

    /** Completes when the subscription has ended (closed, or given up after losing its connection). */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Forwards to the user's listener; the connection's own completion signal is not passed on (we may re-connect). */
    private NotificationListener relay(String channel) {
        return notification -> {
            NotificationListener target = listeners.get(channel);
            if (target != null) {
                target.onNotification(notification);
            }
        };
    }

    private void attach(PgConnection c) {
        connection = c;
        // normal completion: closed by someone other than this subscriber (e.g. its factory closed)
        c.closeFuture().whenComplete((closed, cause) -> lost(cause != null ? cause
                : new PgClosedException(c.host(), "connection to " + c.host() + " was closed")));
    }

    private void lost(Throwable cause) {
        if (closing) {
            return;
        }
        reconnect(1, cause);
    }

    private void reconnect(int attempt, Throwable cause) {
        if (attempt > policy.maxAttempts()) {
            end(cause); // ended() is final before anyone hears that it gave up
            events.gaveUp(cause);
            return;
        }
        events.reconnecting(attempt, cause);
        Executor later = CompletableFuture.delayedExecutor(policy.backoff(attempt).toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.runAsync(() -> { }, later)
                .thenCompose(ignored -> factory.connect())
                .thenCompose(c -> relisten(c).thenApply(ignored -> c))
                .whenComplete((c, error) -> {
                    if (error != null) {
                        reconnect(attempt + 1, error);
                    } else if (closing) {
                        c.close();
                    } else {
                        attach(c);
                        events.reconnected(c, attempt);
                    }
                });
    }

    private CompletableFuture<Void> relisten(PgConnection c) {
        return CompletableFuture.allOf(listeners.keySet().stream()
                .map(channel -> c.listen(channel, relay(channel)))
                .toArray(CompletableFuture[]::new))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        c.close();
                    }
                });
    }

    private void end(Throwable cause) {
        if (ended.isDone()) {
            return;
        }
        listeners.values().forEach(l -> l.onComplete(cause));
        listeners.clear();
        if (cause == null) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(cause);
        }
    }
}
