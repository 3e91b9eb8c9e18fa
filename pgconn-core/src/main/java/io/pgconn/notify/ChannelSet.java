package io.pgconn.notify;

import io.pgconn.FatalErrors;
import io.pgconn.FutureFailures;
import io.pgconn.NotificationListener;
import io.pgconn.PgConnection;
import io.pgconn.PgServerException;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The channels a {@link NotificationSubscriber} LISTENs on and their listeners: the subscriber's own
 * state, kept across its connections. Each new connection is brought in line with it (LISTEN what
 * is missing, UNLISTEN what was removed meanwhile) before it carries the subscription. A channel
 * the server refuses to LISTEN on for its name (an ERROR, the session goes on) is dropped from the set on its own.
 */
final class ChannelSet {

    private static final System.Logger LOG = System.getLogger(NotificationSubscriber.class.getName());

    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    /** Notifications handed to a listener of the set. */
    private final LongAdder delivered = new LongAdder();

    /** @return the listener {@code channel} had before, or null */
    NotificationListener put(String channel, NotificationListener listener) {
        return listeners.put(channel, listener);
    }

    /** @return the listener {@code channel} had, or null */
    NotificationListener remove(String channel) {
        return listeners.remove(channel);
    }

    /** Removes {@code channel} only while {@code listener} is its listener; @return whether it did. */
    boolean remove(String channel, NotificationListener listener) {
        return listeners.remove(channel, listener);
    }

    /** How many notifications were handed to a listener of the set (over all connections). */
    long delivered() {
        return delivered.sum();
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
                delivered.increment();
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
     * {@code listened}; completes when all did, fails with the first failure of the connection. A
     * LISTEN the server refuses for its name while the session goes on ({@link #refusesTheChannel}) is the
     * channel's failure, not the connection's: {@code refused} gets the channel and the error, the
     * others carry on. An UNLISTEN refused so counts as done: nothing is relayed for a removed channel.
     */
    CompletableFuture<Void> bringInLine(PgConnection c, Set<String> listened, BiConsumer<String, Throwable> refused) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        for (String channel : listeners.keySet()) {
            if (!listened.contains(channel)) {
                steps.add(c.listen(channel, relay(channel)).handle((ok, error) -> {
                    if (error == null) {
                        listened.add(channel);
                    } else {
                        refused.accept(channel, connectionFailure(c, error));
                    }
                    return null;
                }));
            }
        }
        for (String channel : Set.copyOf(listened)) {
            if (!listeners.containsKey(channel)) {
                steps.add(c.unlisten(channel).handle((ok, error) -> {
                    if (error != null) {
                        connectionFailure(c, error);
                    }
                    listened.remove(channel);
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    /** {@code error} unwrapped when the server refused the channel and the session goes on; else thrown: the connection failed. */
    private static Throwable connectionFailure(PgConnection c, Throwable error) {
        Throwable cause = FutureFailures.unwrap(error);
        if (!refusesTheChannel(c, cause)) {
            throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
        }
        return cause;
    }

    /**
     * Whether {@code error} is the server's refusal of the channel itself on {@code c}, the session going
     * on, that no other connection would change: an ERROR (not FATAL) about the name — SQLSTATE class 22
     * (data exception: 22P05/22021, a name the database's encoding cannot hold) or 42 (syntax error or
     * access rule violation) — or class 0A, feature not supported: a server without LISTEN (CockroachDB,
     * YugabyteDB, a pooler refusing session features) refuses every channel for good, and re-connecting
     * to it would go on for ever (REVIEW-10). Any other refusal is about the server's state, not the name,
     * and would meet every channel alike — 25006 a server in recovery (met during a failover), 53xxx out
     * of resources, 57014 a cancel, ...: the connection's failure, the channels are kept and the
     * subscriber re-connects (REVIEW-9 F3).
     */
    static boolean refusesTheChannel(PgConnection c, Throwable error) {
        if (!(error instanceof PgServerException refusal) || refusal.endsSession() || c.isClosed()) {
            return false;
        }
        String sqlState = refusal.sqlState().orElse("");
        return sqlState.startsWith("22") || sqlState.startsWith("42") || sqlState.startsWith("0A");
    }

    /** The server's refusal to LISTEN on {@code channel}, naming the channel (another failure as it is). */
    static Throwable listenRefused(String channel, PgConnection c, Throwable error) {
        if (!(error instanceof PgServerException refusal)) {
            return error;
        }
        return new PgServerException(c.host(), "LISTEN \"" + channel + "\" refused: " + refusal.getMessage(),
                refusal.serverFields(), refusal);
    }

    /**
     * Ends every listener ({@code cause} null: a normal end) and empties the set. A listener's
     * {@link VirtualMachineError} ({@link FatalErrors}) is thrown once every listener has had its end — the
     * first one, a different later one added to it as suppressed: thrown at once, it left the listeners after
     * it without their end (as {@code SessionListeners.stop} did before session 10).
     */
    void completeAll(Throwable cause) {
        List<NotificationListener> ended = List.copyOf(listeners.values());
        listeners.clear();
        VirtualMachineError fatal = null;
        for (NotificationListener listener : ended) {
            try {
                complete(listener, cause);
            } catch (VirtualMachineError thrown) {
                if (fatal == null) {
                    fatal = thrown;
                } else if (thrown != fatal) {
                    fatal.addSuppressed(thrown);
                }
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /**
     * Gives {@code listener} (may be null) its completion signal; what it throws is logged and ignored,
     * so one listener's failure keeps neither the others nor the subscriber's own step from going on
     * (the rule of {@link FatalErrors}: a {@link VirtualMachineError} is not caught).
     */
    static void complete(NotificationListener listener, Throwable cause) {
        if (listener == null) {
            return;
        }
        try {
            listener.onComplete(cause);
        } catch (RuntimeException | Error e) {
            FatalErrors.throwIfFatal(e);
            LOG.log(Level.WARNING, "a notification listener's onComplete threw " + e.getClass().getName() + "; ignored");
        }
    }
}
