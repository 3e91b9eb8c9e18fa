package io.pgconn.notify;

import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.notify.SubscriberState.Status;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
 * SQLSTATE class 22 or 42: the session goes on) is dropped: its call fails with that error, the other
 * channels carry on; an ERROR about the server (25006, a server in recovery) re-connects, keeping them all.
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
    private final ChannelSet channels = new ChannelSet();
    /** The LISTEN/UNLISTEN of listen() and unlisten() on the connection: one at a time per channel. */
    private final ChannelCommands commands = new ChannelCommands();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ReconnectLoop reconnectLoop;

    // guarded by this
    private Status status = Status.CONNECTING;
    private PgConnection connection;
    private boolean everConnected;
    private int attempt;
    private String lastError;
    private boolean closing;
    private CompletableFuture<Void> closeResult;
    /** Completes when the next connection carries the subscription; fails when the subscription ends first. */
    private CompletableFuture<Void> nextConnection = new CompletableFuture<>();

    private NotificationSubscriber(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events,
                                   BackoffTimer backoffs) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.events = new GuardedEvents(Objects.requireNonNull(events, "events"));
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
    public synchronized PgConnection connection() {
        return connection;
    }

    /** A snapshot of where the subscriber is: status, host, channels, attempt, last error. */
    public synchronized SubscriberState state() {
        return new SubscriberState(status, status == Status.LISTENING ? connection.host() : null, channels.names(),
                attempt, lastError);
    }

    /**
     * LISTENs on {@code channel}, now and on every later connection; a listener it had before is
     * replaced and gets its completion signal (as {@link PgConnection#listen} does). Completes when a
     * connection LISTENs on it: at once while one carries the subscription, else (connecting,
     * re-connecting, the connection lost during the call) when the next one does. Fails when the
     * server refuses the LISTEN with an ERROR — on the working connection or while a new one catches
     * up: a {@link PgServerException} naming the channel, with the server's SQLSTATE; the channel is
     * then dropped and its listener completes with that error — or when the subscription is or becomes
     * closed or gives up first. Only a refusal of the name (SQLSTATE class 22 or 42) drops the channel;
     * any other ERROR is about the server (25006: in recovery, met during a failover) and is the
     * connection's failure: the channels stay, the subscriber re-connects and the call completes when the
     * next connection LISTENs. A channel name that is empty, holds NUL or is longer than a PostgreSQL
     * identifier (63 bytes in UTF-8: the server would truncate it, and its notifications would reach
     * no listener) fails at once with a {@link PgConfigException} naming it.
     */
    public CompletableFuture<Void> listen(String channel, NotificationListener listener) {
        PgConfigException invalid = ChannelName.refusal("LISTEN", channel);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        Objects.requireNonNull(listener, "listener");
        PgConnection current;
        NotificationListener replaced;
        CompletableFuture<Void> next;
        CompletableFuture<Void> command = null;
        synchronized (this) {
            if (closing) {
                return CompletableFuture.failedFuture(closedError("listen(\"" + channel + "\")"));
            }
            replaced = channels.put(channel, listener);
            next = nextConnection; // the one of this call's time: registered on only when it is needed (REVIEW-9 F2)
            current = status == Status.LISTENING ? connection : null;
            if (current != null) {
                PgConnection on = current;
                command = commands.after(channel, () -> on.listen(channel, channels.relay(channel)));
            }
        }
        if (replaced != listener) {
            ChannelSet.complete(replaced, null);
        }
        if (current == null) {
            return listenedOrRefused(next, channel);
        }
        return onCurrentOrNext(current, command, () -> listenedOrRefused(next, channel), error -> {
            Throwable refusal = ChannelSet.listenRefused(channel, current, error);
            if (channels.remove(channel, listener)) {
                ChannelSet.complete(listener, refusal);
            }
            return refusal;
        });
    }

    /**
     * {@code next} (the next connection) LISTENs on the channel, or a server refuses it first. Only for
     * a call no working connection answered: a call that waits on nothing registers nothing, so calls
     * answered at once leave nothing behind however long the connection lives.
     */
    private CompletableFuture<Void> listenedOrRefused(CompletableFuture<Void> next, String channel) {
        CompletableFuture<Void> refusal;
        synchronized (this) {
            refusal = channels.refusalOf(channel);
        }
        return CompletableFuture.anyOf(next, refusal).thenRun(() -> { });
    }

    /**
     * UNLISTENs {@code channel}, now and for every later connection; its listener gets its completion
     * signal. Completes as {@link #listen} does; a name {@link #listen} refuses fails the same way.
     */
    public CompletableFuture<Void> unlisten(String channel) {
        PgConfigException invalid = ChannelName.refusal("UNLISTEN", channel);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        NotificationListener removed;
        PgConnection current;
        CompletableFuture<Void> next;
        CompletableFuture<Void> command = null;
        synchronized (this) {
            if (closing) {
                return CompletableFuture.failedFuture(closedError("unlisten(\"" + channel + "\")"));
            }
            removed = channels.remove(channel);
            next = nextConnection;
            current = status == Status.LISTENING ? connection : null;
            if (current != null) {
                PgConnection on = current;
                command = commands.after(channel, () -> on.unlisten(channel));
            }
        }
        CompletableFuture<Void> done = current == null ? next.thenRun(() -> { })
                : onCurrentOrNext(current, command, () -> next.thenRun(() -> { }), error -> error);
        return removed == null ? done : done.whenComplete((ok, error) -> ChannelSet.complete(removed, null));
    }

    /**
     * Ends the subscription: closes the connection, completes every listener, fails the calls waiting
     * for a connection. Idempotent, and safe after the factory was closed (then it completes at once):
     * every call returns the same future.
     */
    public CompletableFuture<Void> close() {
        PgConnection current;
        synchronized (this) {
            if (closeResult != null) {
                return closeResult;
            }
            closing = true;
            current = connection;
            closeResult = new CompletableFuture<>();
        }
        QuietClose.of(current).whenComplete((ok, error) -> {
            end(null);
            closeResult.complete(null);
        });
        return closeResult;
    }

    /** Completes when the subscription has ended (closed, its factory closed, or given up after losing its connection). */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * {@code command} ran on the connection that carried the subscription: its outcome, unless that
     * connection was lost or replaced meanwhile — then the next connection, which is brought in line
     * with the channel set, decides: {@code next} is asked for the wait only then. {@code refused} runs
     * when the server refused it on a working connection and gives the call's error.
     */
    private CompletableFuture<Void> onCurrentOrNext(PgConnection current, CompletableFuture<Void> command,
                                                    Supplier<CompletableFuture<Void>> next, UnaryOperator<Throwable> refused) {
        return command.handle((ok, error) -> {
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = ReconnectLoop.unwrap(error);
            if (current.isClosed() || cause instanceof PgClosedException || !carriesTheSubscription(current)) {
                return next.get();
            }
            if (!ChannelSet.refusesTheChannel(current, cause)) { // about the server (e.g. 25006 in recovery): its failure
                lost(current, cause);
                return next.get();
            }
            return CompletableFuture.<Void>failedFuture(refused.apply(cause));
        }).thenCompose(f -> f);
    }

    /** Connects through the factory, brings the connection in line with the channel set and lets it carry the subscription. */
    CompletableFuture<Void> connect(int attempts) {
        synchronized (this) {
            if (closing) { // a re-connect whose backoff ended as close() began: no login after close
                return CompletableFuture.failedFuture(closedError("connecting"));
            }
        }
        return factory.connect().thenCompose(c -> catchUp(c, ConcurrentHashMap.newKeySet(), attempts)
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        QuietClose.of(c);
                    }
                }));
    }

    /**
     * LISTEN/UNLISTEN on {@code c} until it matches the channel set — calls made meanwhile change the
     * set, so this repeats — then, in the same step as the last check, {@code c} takes over. A channel
     * the server refuses is dropped from the set ({@link #refused}); only the connection's failure fails this.
     */
    private CompletableFuture<Void> catchUp(PgConnection c, Set<String> listened, int attempts) {
        boolean inLine;
        PgConnection replaced = null;
        boolean first = false;
        CompletableFuture<Void> arrived = null;
        synchronized (this) {
            if (closing) {
                return CompletableFuture.failedFuture(closedError("connecting"));
            }
            inLine = channels.isListenedBy(listened);
            if (inLine) {
                replaced = connection;
                first = !everConnected;
                everConnected = true;
                connection = c;
                status = Status.LISTENING;
                attempt = 0;
                arrived = nextConnection;
                nextConnection = new CompletableFuture<>();
                channels.forgetRefusals();
            }
        }
        if (!inLine) {
            return channels.bringInLine(c, listened, (channel, error) -> refused(channel, c, error))
                    .thenCompose(ignored -> catchUp(c, listened, attempts));
        }
        QuietClose.of(replaced); // make before break: the replaced connection (wrong role, or already lost) goes after
        // told before the calls waiting for this connection complete, so a caller whose listen() has
        // completed sees the event already (GuardedEvents: a throwing callback cannot stop this); and
        // before c's loss is watched: a connection that died meanwhile is lost at once, and its
        // reconnecting must come after its (re)connected (REVIEW-8 F8)
        if (first) {
            events.connected(c);
        } else {
            events.reconnected(c, attempts);
        }
        // normal completion: closed by someone other than this subscriber (e.g. its factory closed)
        c.closeFuture().whenComplete((closed, cause) -> lost(c, cause != null ? cause
                : new PgClosedException(c.host(), "connection to " + c.host() + " was closed")));
        RoleCheck.start(factory, policy.roleCheckInterval(), c, () -> carriesTheSubscription(c),
                role -> lost(c, new WrongRoleException(c.host(), role, factory.config().targetSessionAttrs())));
        arrived.complete(null);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * {@code c}'s server refused to LISTEN on {@code channel} while catching up: the channel is dropped,
     * the calls waiting for it fail and its listener completes with the server's error naming it.
     */
    private void refused(String channel, PgConnection c, Throwable error) {
        Throwable refusal = ChannelSet.listenRefused(channel, c, error);
        Runnable tell;
        synchronized (this) {
            tell = channels.drop(channel, refusal);
            lastError = SubscriberState.describe(refusal); // the health shows why a channel went (REVIEW-9 F6)
        }
        tell.run();
    }

    private synchronized boolean carriesTheSubscription(PgConnection c) {
        return !closing && status == Status.LISTENING && connection == c;
    }

    /** {@code c} was lost, or its server is in the wrong role: re-connect unless it no longer matters. */
    private void lost(PgConnection c, Throwable cause) {
        synchronized (this) {
            if (!carriesTheSubscription(c)) {
                return; // closed by this subscriber, replaced, or a re-connect already runs
            }
            status = Status.RECONNECTING;
        }
        reconnectLoop.attempt(1, cause);
    }

    /** Records attempt {@code n} of the re-connect loop; false when the subscription is closing: stop. */
    synchronized boolean beginAttempt(int n, Throwable cause) {
        if (closing) {
            return false;
        }
        attempt = n;
        lastError = SubscriberState.describe(cause);
        return true;
    }

    /** Once, whichever of close(), a factory close and a give-up comes first. */
    void end(Throwable cause) {
        PgConnection current;
        CompletableFuture<Void> waiting;
        synchronized (this) {
            if (status.isEnded()) {
                return;
            }
            closing = true;
            status = cause == null ? Status.CLOSED : Status.GAVE_UP;
            current = connection;
            waiting = nextConnection;
        }
        reconnectLoop.cancel(); // no login after the end: a backoff still waiting never connects
        waiting.completeExceptionally(cause == null ? closedError("waiting for a connection")
                : new PgClosedException(null, "the notification subscriber gave up re-connecting after "
                + policy.maxAttempts() + " attempt(s): " + SubscriberState.describe(cause), cause));
        channels.completeAll(cause);
        QuietClose.of(current); // e.g. a bounded policy gave up while the old server, in the wrong role, still holds it
        if (cause == null) {
            ended.complete(null);
            events.closed();
        } else {
            ended.completeExceptionally(cause);
        }
    }

    private static PgClosedException closedError(String what) {
        return new PgClosedException(null, what + ": the notification subscriber is closed");
    }
}
