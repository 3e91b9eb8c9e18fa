package io.pgconn.notify;

import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.notify.SubscriberState.Status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Which connection carries a {@link NotificationSubscriber}'s subscription, and where the subscriber
 * is in its life: status, attempt, last failure, whether it is closing, and the wait for the next
 * connection to take the slot. It is the subscription's lock: {@link ListenCalls} and
 * {@link ConnectionTakeover} change the {@link ChannelSet} while holding it, so a change of the set
 * and a look at which connection carries it are one step, and no call falls between two connections.
 */
final class ConnectionSlot {

    /** What a connection taking the slot replaced, and who waited for it. */
    record Takeover(PgConnection replaced, boolean first, CompletableFuture<Void> arrived) {
    }

    /** What is left to end when the subscription ends: the connection in the slot and the calls waiting for the next. */
    record Ending(PgConnection connection, CompletableFuture<Void> waiting) {
    }

    // guarded by this
    private Status status = Status.CONNECTING;
    private PgConnection connection;
    /** The connection catching up with the channel set, before it takes the slot; null when none is. */
    private PgConnection catchingUp;
    private boolean everConnected;
    private int attempt;
    /** When {@link #connection} took the slot. */
    private Instant listeningSince;
    private SubscriberFailure lastFailure;
    private boolean closing;
    /** Connections that took over after the first: the {@code reconnected} events told. */
    private long reconnects;
    /** The calls' wait for the next connection to carry the subscription, and what its server refused meanwhile. */
    private NextConnectionWait nextConnection = new NextConnectionWait();

    /** The connection in the slot (it may have been lost since); null before the first one. */
    synchronized PgConnection connection() {
        return connection;
    }

    /** A snapshot with {@code channels}' names. */
    synchronized SubscriberState state(ChannelSet channels) {
        boolean listening = status == Status.LISTENING;
        return new SubscriberState(status, listening ? connection.host() : null, channels.names(), attempt,
                listening ? listeningSince : null, lastFailure);
    }

    synchronized boolean isClosing() {
        return closing;
    }

    /**
     * close() began: nothing takes the slot any more; @return the connections to close — the one in the
     * slot and the one catching up (its LISTEN may never be answered: it would stay open after close()).
     */
    synchronized List<PgConnection> beginClosing() {
        closing = true;
        return Stream.of(connection, catchingUp).filter(Objects::nonNull).toList();
    }

    /** {@code c} starts catching up with the channel set; false when the subscriber is closing (then it must not). */
    synchronized boolean beginCatchUp(PgConnection c) {
        if (closing) {
            return false;
        }
        catchingUp = c;
        return true;
    }

    /** {@code c}'s catch-up failed: it no longer catches up. */
    synchronized void catchUpFailed(PgConnection c) {
        if (catchingUp == c) {
            catchingUp = null;
        }
    }

    /** The connection carrying the subscription, or null while none does (connecting, re-connecting, ended). */
    synchronized PgConnection carrier() {
        return status == Status.LISTENING ? connection : null;
    }

    /** The wait for the next connection, as of now: a call registers on it only when no working connection answered it. */
    synchronized NextConnectionWait nextConnection() {
        return nextConnection;
    }

    /** Whether {@code c} carries the subscription (and the subscriber is not closing). */
    synchronized boolean carries(PgConnection c) {
        return !closing && status == Status.LISTENING && connection == c;
    }

    /**
     * {@code c} was lost ({@code cause}) or left the wanted role (a {@link WrongRoleException}): @return whether it
     * carried the subscription, now re-connecting (the loss recorded as the last failure).
     */
    synchronized boolean markLost(PgConnection c, Throwable cause) {
        if (!carries(c)) {
            return false; // closed by this subscriber, replaced, or a re-connect already runs
        }
        status = Status.RECONNECTING;
        SubscriberFailure.Kind kind = FutureFailures.unwrap(cause) instanceof WrongRoleException
                ? SubscriberFailure.Kind.ROLE_CHANGED : SubscriberFailure.Kind.CONNECTION_LOST;
        lastFailure = SubscriberFailure.of(kind, c.host(), cause, Instant.now());
        return true;
    }

    /**
     * Records attempt {@code n} of the re-connect loop, after {@code cause}: a failed connect, unless it is the first
     * attempt after a loss ({@link #markLost} recorded that); false when the subscription is closing: stop.
     */
    synchronized boolean beginAttempt(int n, Throwable cause) {
        if (closing) {
            return false;
        }
        if (n > 1 || status == Status.CONNECTING) {
            lastFailure = SubscriberFailure.of(SubscriberFailure.Kind.CONNECT_FAILED, null, cause, Instant.now());
        }
        attempt = n;
        return true;
    }

    /** Records a channel {@code c}'s server refused ({@code refusal}, dropped) as the last failure. */
    synchronized void recordRefusal(PgConnection c, Throwable refusal) {
        lastFailure = SubscriberFailure.of(SubscriberFailure.Kind.CHANNEL_REFUSED, c.host(), refusal, Instant.now());
    }

    /** {@code c}, in line with the channel set, takes the slot (the caller holds the lock since it checked that). */
    synchronized Takeover takeOver(PgConnection c) {
        Takeover takeover = new Takeover(connection, !everConnected, nextConnection.arrived());
        if (everConnected) {
            reconnects++;
        }
        everConnected = true;
        connection = c;
        catchingUp = null;
        status = Status.LISTENING;
        listeningSince = Instant.now();
        attempt = 0;
        nextConnection = new NextConnectionWait(); // the calls that hold the one that arrived still see its refusals
        return takeover;
    }

    /** How many connections took over after the first one (each told {@code reconnected}). */
    synchronized long reconnects() {
        return reconnects;
    }

    /** The subscription ends (given up when {@code gaveUp}); @return what is left to end, null when it had ended already. */
    synchronized Ending end(boolean gaveUp) {
        if (status.isEnded()) {
            return null;
        }
        closing = true;
        status = gaveUp ? Status.GAVE_UP : Status.CLOSED;
        return new Ending(connection, nextConnection.arrived());
    }

    /** The error of a call or a connect refused because the subscriber is closed. */
    static PgClosedException closedError(String what) {
        return new PgClosedException(null, what + ": the notification subscriber is closed");
    }
}
