package io.pgconn.notify;

import io.pgconn.FatalErrors;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.notify.SubscriberState.Status;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A LISTEN connection that survives its server (docs/lifecycle.md §4): when the connection is lost,
 * or its server no longer satisfies the factory's {@code target_session_attrs} (after a switchover
 * the old primary is read-only: nobody writes there any more), it re-connects through the factory's
 * failover logic with backoff, re-issues LISTEN for every channel, and reports what happened
 * ({@link SubscriptionEvents}). With {@link ReconnectPolicy#DEFAULT} it never gives up; it ends only
 * when closed, when its factory is closed, or when a bounded policy runs out of attempts.
 *
 * <p>The channels are the subscriber's own state ({@link ChannelSet}): {@link #listen} and
 * {@link #unlisten} work in every state but the end, and a call made while no connection carries the
 * subscription (connecting, re-connecting, or the connection lost during the call) completes when the
 * next connection LISTENs on every channel. A channel whose name the server refuses (an ERROR of
 * SQLSTATE class 22 or 42: the session goes on), or a server that does not support LISTEN (class 0A), is
 * dropped: its call fails with that error, the other channels carry on; an ERROR about the server's state
 * (25006, a server in recovery) re-connects, keeping them all.
 *
 * <p>Notifications sent while it was away are lost — PostgreSQL does not queue them for absent
 * listeners — and so are those sent on the new primary before the role check noticed the switchover
 * (at most one {@link ReconnectPolicy#roleCheckInterval()} plus the re-connect). After
 * {@link SubscriptionEvents#reconnected} an application that must not miss a change re-reads the state it follows.
 *
 * <p>The parts: {@link ConnectionSlot} (which connection carries the subscription, status; the lock),
 * {@link ListenCalls} (listen/unlisten on that connection or the next), {@link ConnectionTakeover} (a new
 * connection catches up with the channel set and takes over), {@link ReconnectLoop} (attempts with backoff).
 */
public final class NotificationSubscriber {

    private final PgConnectionFactory factory;
    private final ReconnectPolicy policy;
    private final SubscriptionEvents events;
    private final ChannelSet channels = new ChannelSet();
    private final ConnectionSlot slot = new ConnectionSlot();
    private final ListenCalls calls;
    private final ConnectionTakeover takeover;
    private final ReconnectLoop reconnectLoop;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** guarded by this */
    private CompletableFuture<Void> closeResult;

    private NotificationSubscriber(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events,
                                   BackoffTimer backoffs) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.events = new GuardedEvents(Objects.requireNonNull(events, "events"));
        this.calls = new ListenCalls(slot, channels, this::lost);
        this.takeover = new ConnectionTakeover(factory, policy, this.events, slot, channels, this::lost);
        this.reconnectLoop = new ReconnectLoop(this, factory, policy, this.events, backoffs);
    }

    /**
     * Opens the subscription's first connection, fail-fast: when that connect fails, the returned
     * future fails and nothing runs in the background. Later losses are re-connected per {@code policy}.
     * Fails with a {@link PgConfigException} for a factory whose {@code target_session_attrs} is
     * {@code standby} or {@code prefer-standby}: PostgreSQL refuses LISTEN on a standby.
     */
    public static CompletableFuture<NotificationSubscriber> open(PgConnectionFactory factory, ReconnectPolicy policy,
                                                                 SubscriptionEvents events) {
        return open(factory, policy, events, BackoffTimer.SYSTEM);
    }

    /** {@link #open(PgConnectionFactory, ReconnectPolicy, SubscriptionEvents)} whose backoffs {@code backoffs} times. */
    static CompletableFuture<NotificationSubscriber> open(PgConnectionFactory factory, ReconnectPolicy policy,
                                                          SubscriptionEvents events, BackoffTimer backoffs) {
        PgConfigException unfit = RoleCheck.refusedTarget(factory);
        if (unfit != null) {
            return CompletableFuture.failedFuture(unfit);
        }
        NotificationSubscriber subscriber = new NotificationSubscriber(factory, policy, events, backoffs);
        return subscriber.connect(0).thenApply(ignored -> subscriber);
    }

    /**
     * Starts the subscription in the background and returns at once ({@link Status#CONNECTING}): a
     * failed first connect is retried like a lost connection ({@link SubscriptionEvents#reconnecting},
     * then the policy's backoff and limit), so an application can start while its primary is down.
     * {@link #listen} may be called right away; it completes once a connection LISTENs.
     *
     * @throws PgConfigException for a factory that wants or prefers a standby, as {@link #open} fails
     */
    public static NotificationSubscriber start(PgConnectionFactory factory, ReconnectPolicy policy,
                                               SubscriptionEvents events) {
        return start(factory, policy, events, BackoffTimer.SYSTEM);
    }

    /** {@link #start(PgConnectionFactory, ReconnectPolicy, SubscriptionEvents)} whose backoffs {@code backoffs} times. */
    static NotificationSubscriber start(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events,
                                        BackoffTimer backoffs) {
        PgConfigException unfit = RoleCheck.refusedTarget(factory);
        if (unfit != null) {
            throw unfit;
        }
        NotificationSubscriber subscriber = new NotificationSubscriber(factory, policy, events, backoffs);
        subscriber.connect(0).whenComplete((ignored, error) -> {
            if (error != null) {
                subscriber.reconnectLoop.attempt(1, error);
            }
        });
        return subscriber;
    }

    /** The factory the subscriber connects through. */
    public PgConnectionFactory factory() {
        return factory;
    }

    /** The connection currently carrying the subscription; null before the first one. */
    public PgConnection connection() {
        return slot.connection();
    }

    /** A snapshot of where the subscriber is: status, host, channels, attempt, since when it listens, its last failure. */
    public SubscriberState state() {
        return slot.state(channels);
    }

    /**
     * How many times a new connection took over after the first one: the {@link SubscriptionEvents#reconnected}
     * events told (for a meter; a failed attempt is not counted).
     */
    public long reconnects() {
        return slot.reconnects();
    }

    /** How many notifications were handed to a listener of this subscriber, over all its connections (for a meter). */
    public long notificationsReceived() {
        return channels.delivered();
    }

    /**
     * LISTENs on {@code channel}, now and on every later connection; a listener it had before is
     * replaced and gets its completion signal (as {@link PgConnection#listen} does). Completes when a
     * connection LISTENs on it: at once while one carries the subscription, else (connecting,
     * re-connecting, the connection lost during the call) when the next one does. Fails when the
     * server refuses the LISTEN with an ERROR — on the working connection or while a new one catches
     * up: a {@link PgServerException} naming the channel, with the server's SQLSTATE; the channel is
     * then dropped and its listener completes with that error — or when the subscription is or becomes
     * closed or gives up first. Only a refusal of the name (SQLSTATE class 22 or 42) or of LISTEN itself
     * (class 0A, feature not supported: no other connection to that server would take it) drops the channel;
     * any other ERROR is about the server's state (25006: in recovery, met during a failover) and is the
     * connection's failure: the channels stay, the subscriber re-connects and the call completes when the
     * next connection LISTENs. A channel name that is empty, holds NUL or is longer than a PostgreSQL
     * identifier (63 bytes in UTF-8: the server would truncate it, and its notifications would reach
     * no listener) fails at once with a {@link PgConfigException} naming it.
     */
    public CompletableFuture<Void> listen(String channel, NotificationListener listener) {
        return calls.listen(channel, listener);
    }

    /**
     * UNLISTENs {@code channel}, now and for every later connection; its listener gets its completion
     * signal. Completes as {@link #listen} does; a name {@link #listen} refuses fails the same way.
     */
    public CompletableFuture<Void> unlisten(String channel) {
        return calls.unlisten(channel);
    }

    /**
     * Ends the subscription: closes the connection, and one catching up with the channel set (its
     * LISTEN may never be answered), completes every listener, fails the calls waiting for a connection. Idempotent, and safe after the factory was closed (then it completes at once):
     * every call returns the same future.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        synchronized (this) {
            if (closeResult != null) {
                return closeResult;
            }
            closeResult = result;
        }
        CompletableFuture<?>[] closes = slot.beginClosing().stream().map(QuietClose::of).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(closes).whenComplete((ok, error) -> {
            try {
                end(null);
            } finally {
                result.complete(null);
            }
        });
        return result;
    }

    /** Completes when the subscription has ended (closed, its factory closed, or given up after losing its connection). */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Connects through the factory, brings the connection in line with the channel set and lets it carry the subscription. */
    CompletableFuture<Void> connect(int attempts) {
        return takeover.connect(attempts);
    }

    /** Records attempt {@code n} of the re-connect loop; false when the subscription is closing: stop. */
    boolean beginAttempt(int n, Throwable cause) {
        return slot.beginAttempt(n, cause);
    }

    /** {@code c} was lost, or its server is in the wrong role: re-connect unless it no longer matters. */
    private void lost(PgConnection c, Throwable cause) {
        if (slot.markLost(c, cause)) {
            reconnectLoop.attempt(1, cause);
        }
    }

    /**
     * Once, whichever of close(), a factory close and a give-up comes first. A listener's
     * {@link VirtualMachineError} in its {@code onComplete} stops nothing of it: every other listener, the
     * connection, {@link #ended()} and {@code closed()} still get their end, and the error then goes to the
     * thread's uncaught-exception handler ({@link FatalErrors#handToTheThread}).
     */
    void end(Throwable cause) {
        ConnectionSlot.Ending ending = slot.end(cause != null);
        if (ending == null) {
            return;
        }
        reconnectLoop.cancel(); // no login after the end: a backoff still waiting never connects
        ending.waiting().completeExceptionally(cause == null ? ConnectionSlot.closedError("waiting for a connection")
                : new PgClosedException(null, "the notification subscriber gave up re-connecting after "
                + policy.maxAttempts() + " attempt(s): " + SubscriberState.describe(cause), cause));
        VirtualMachineError fatal = null;
        try {
            channels.completeAll(cause);
        } catch (VirtualMachineError thrown) { // thrown after every listener had its end
            fatal = thrown;
        }
        try {
            QuietClose.of(ending.connection()); // e.g. a bounded policy gave up while the old server, in the wrong role, still holds it
            if (cause == null) {
                ended.complete(null);
                events.closed();
            } else {
                ended.completeExceptionally(cause);
            }
        } finally {
            if (fatal != null) {
                FatalErrors.handToTheThread(fatal);
            }
        }
    }
}
