package io.pgconn.notify;

import io.pgconn.HostStatus;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A LISTEN connection that survives its server (docs/lifecycle.md §4): when the connection is lost,
 * or its server no longer satisfies the factory's {@code target_session_attrs} (after a switchover
 * the old primary is read-only: nobody writes there any more), it re-connects through the factory's
 * failover logic with backoff, re-issues LISTEN for every channel, and reports what happened
 * ({@link SubscriptionEvents}). With {@link ReconnectPolicy#DEFAULT} it never gives up; it ends only
 * when closed, when its factory is closed, or when a bounded policy runs out of attempts.
 *
 * <p>Notifications sent while it was away are lost — PostgreSQL does not queue them for absent
 * listeners — and so are those sent on the new primary before the role check noticed the switchover
 * (at most one {@link ReconnectPolicy#roleCheckInterval()} plus the re-connect). After
 * {@link SubscriptionEvents#reconnected} an application that must not miss a change re-reads the state it follows.
 */
public final class NotificationSubscriber {

    private final PgConnectionFactory factory;
    private final ReconnectPolicy policy;
    private final SubscriptionEvents events;
    private final TargetSessionAttrs target;
    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private volatile PgConnection connection;
    /** When {@link #connection} was attached: host memory older than that says nothing about it. */
    private volatile Instant attachedAt = Instant.MIN;
    private volatile boolean closing;
    private volatile CompletableFuture<Void> closeResult;
    private boolean endingNow;

    private NotificationSubscriber(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events) {
        this.factory = factory;
        this.policy = policy;
        this.events = events;
        this.target = factory.config().targetSessionAttrs();
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

    /**
     * Ends the subscription: closes the connection, completes every listener. Idempotent, and safe
     * after the factory was closed (then it completes at once): every call returns the same future.
     */
    public synchronized CompletableFuture<Void> close() {
        if (closeResult == null) {
            closing = true;
            closeResult = closeQuietly(connection).thenRun(() -> end(null));
        }
        return closeResult;
    }

    /** Completes when the subscription has ended (closed, its factory closed, or given up after losing its connection). */
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
        attachedAt = Instant.now();
        connection = c;
        // normal completion: closed by someone other than this subscriber (e.g. its factory closed)
        c.closeFuture().whenComplete((closed, cause) -> lost(c, cause != null ? cause
                : new PgClosedException(c.host(), "connection to " + c.host() + " was closed")));
        scheduleRoleCheck(c);
    }

    private void lost(PgConnection c, Throwable cause) {
        if (closing || c != connection) {
            return; // closed by this subscriber, or a connection it already replaced
        }
        if (factory.isClosed()) {
            end(null); // the application is shutting down: nothing to re-connect to, nothing to warn about
            return;
        }
        startReconnect(cause);
    }

    private void startReconnect(Throwable cause) {
        if (reconnecting.compareAndSet(false, true)) {
            reconnect(1, cause);
        }
    }

    private void reconnect(int attempt, Throwable cause) {
        if (closing || ended.isDone()) {
            return;
        }
        if (factory.isClosed()) {
            end(null);
            return;
        }
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
                    } else if (closing || ended.isDone()) {
                        closeQuietly(c);
                    } else {
                        // make before break: the replaced connection (wrong role, or already lost) goes after
                        PgConnection replaced = connection;
                        attach(c);
                        reconnecting.set(false);
                        closeQuietly(replaced);
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
                        closeQuietly(c);
                    }
                });
    }

    /**
     * Every {@link ReconnectPolicy#roleCheckInterval()}, whether {@code c}'s server still satisfies
     * {@code target_session_attrs}. An idle session hears nothing: PostgreSQL applies a reloaded
     * {@code default_transaction_read_only} and reports it (ParameterStatus) only when the session
     * runs something, so the check asks the server ({@link PgConnection#currentRole()}, one round
     * trip) unless the session's parameters or the factory's host memory already tell.
     */
    private void scheduleRoleCheck(PgConnection c) {
        if (policy.roleCheckInterval().isZero() || !target.needsRole() || target == TargetSessionAttrs.PREFER_STANDBY) {
            return; // any server will do
        }
        Executor later = CompletableFuture.delayedExecutor(policy.roleCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
        later.execute(() -> checkRole(c));
    }

    private void checkRole(PgConnection c) {
        if (closing || ended.isDone() || c != connection || c.isClosed() || reconnecting.get()) {
            return; // a re-connect attaches a new connection and schedules its own check
        }
        ServerRole known = knownWrongRole(c);
        if (known != null) {
            wrongRole(c, known);
            return;
        }
        c.currentRole().whenComplete((role, error) -> {
            if (error == null && !target.accepts(role, true)) {
                wrongRole(c, role);
            } else {
                scheduleRoleCheck(c); // a failure here is the connection's: its close starts the re-connect
            }
        });
    }

    /** A role {@code target} refuses, from the session's ParameterStatus or the factory's host memory; null if neither tells. */
    private ServerRole knownWrongRole(PgConnection c) {
        String hotStandby = c.parameter("in_hot_standby");
        String readOnly = c.parameter("default_transaction_read_only");
        if (hotStandby != null && readOnly != null) {
            ServerRole live = ServerRole.of("on".equals(hotStandby), "on".equals(readOnly));
            if (!target.accepts(live, true)) {
                return live;
            }
        }
        HostSpec host = c.hostSpec();
        if (host != null) {
            HostStatus memory = factory.hostStatus(host.label());
            if (memory.role() != ServerRole.UNKNOWN && memory.lastCheckedAt() != null
                    && memory.lastCheckedAt().isAfter(attachedAt) && !target.accepts(memory.role(), true)) {
                return memory.role();
            }
        }
        return null;
    }

    private void wrongRole(PgConnection c, ServerRole role) {
        if (c == connection && !closing) {
            startReconnect(new WrongRoleException(c.host(), role, target));
        }
    }

    /** {@code c.close()}, which cannot throw here: a connection of a closed factory is closed already. */
    private static CompletableFuture<Void> closeQuietly(PgConnection c) {
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return c.close().exceptionally(error -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void end(Throwable cause) {
        synchronized (ended) { // once, whichever of close(), a factory close and a give-up comes first
            if (ended.isDone() || endingNow) {
                return;
            }
            endingNow = true;
        }
        listeners.values().forEach(l -> l.onComplete(cause));
        listeners.clear();
        closeQuietly(connection); // e.g. a bounded policy gave up while the old server, in the wrong role, still holds it
        if (cause == null) {
            ended.complete(null);
            events.closed();
        } else {
            ended.completeExceptionally(cause);
        }
    }
}
