package io.pgconn.notify;

import io.pgconn.NotificationListener;
import io.pgconn.PgConnection;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels a {@link NotificationSubscriber} LISTENs on and their listeners: the subscriber's own
 * state, kept across its connections. Each new connection is brought in line with it (LISTEN what
 * is missing, UNLISTEN what was removed meanwhile) before it carries the subscription.
 */
final class ChannelSet {

    private static final System.Logger LOG = System.getLogger(NotificationSubscriber.class.getName());

    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();

    /** @return the listener {@code channel} had before, or null */
    NotificationListener put(String channel, NotificationListener listener) {
        return listeners.put(channel, listener);
    }

    /** @return the listener {@code channel} had, or null */
    NotificationListener remove(String channel) {
        return listeners.remove(channel);
    }

    /** Removes {@code channel} only while {@code listener} is its listener. */
    void remove(String channel, NotificationListener listener) {
        listeners.remove(channel, listener);
    }

    /** The channels, sorted. */
    Set<String> names() {
        return new TreeSet<>(listeners.keySet());
    }

    /**
     * A connection's listener for {@code channel}: forwards to the listener the set holds at the time
     * (none after an unlisten); the connection's completion signal is not passed on (the subscriber
     * re-connects).
     */
    NotificationListener relay(String channel) {
        return notification -> {
            NotificationListener target = listeners.get(channel);
            if (target != null) {
                target.onNotification(notification);
            }
        };
    }

    /** Whether {@code listened} (what a connection LISTENs on) is this set. */
    boolean isListenedBy(Set<String> listened) {
        return listened.equals(listeners.keySet());
    }

    /**
     * Runs LISTEN on {@code c} for each channel of the set missing from {@code listened} and UNLISTEN
     * for each channel in {@code listened} the set no longer holds, recording the outcome in
     * {@code listened}; completes when all did, fails with the first failure.
     */
    CompletableFuture<Void> bringInLine(PgConnection c, Set<String> listened) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (String channel : listeners.keySet()) {
            if (!listened.contains(channel)) {
                steps.add(c.listen(channel, relay(channel)).thenRun(() -> listened.add(channel)));
            }
        }
        for (String channel : Set.copyOf(listened)) {
            if (!listeners.containsKey(channel)) {
                steps.add(c.unlisten(channel).thenRun(() -> listened.remove(channel)));
            }
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    /** Ends every listener ({@code cause} null: a normal end) and empties the set. */
    void completeAll(Throwable cause) {
        List<NotificationListener> ended = List.copyOf(listeners.values());
        listeners.clear();
        for (NotificationListener listener : ended) {
            try {
                listener.onComplete(cause);
            } catch (RuntimeException e) {
                // one listener's failure must not keep the others from their completion signal
                LOG.log(Level.WARNING, "a notification listener's onComplete threw " + e.getClass().getName() + "; ignored");
            }
        }
    }
}
