package io.pgconn.notify;

import io.pgconn.PgConnection;

/**
 * What a {@link NotificationSubscriber} reports about its connection. Called on an event loop or a
 * timer thread: do not block. A callback that throws changes nothing for the subscriber: the first
 * such exception is logged at WARN (callback and exception type), all at DEBUG.
 */
public interface SubscriptionEvents {

    SubscriptionEvents NONE = new SubscriptionEvents() {
    };

    /**
     * The first connection is up ({@link NotificationSubscriber#open}, or {@link NotificationSubscriber#start}
     * after however many attempts) and LISTENs on every channel added so far. Later connections are
     * {@link #reconnected}. Told before the calls that waited for this connection ({@code listen},
     * {@code unlisten}, {@code open}) complete.
     */
    default void connected(PgConnection connection) {
    }

    /**
     * The connection was lost, or its server no longer satisfies the factory's
     * {@code target_session_attrs} (a {@link WrongRoleException} as {@code cause}: after a switchover,
     * the old primary turned read-only), or the first connect of {@link NotificationSubscriber#start}
     * failed; attempt {@code attempt} of the policy starts after the backoff.
     * Notifications sent since the connection stopped working until {@link #reconnected} are lost:
     * PostgreSQL queues nothing for a listener that is not connected (and a server in the wrong role gets
     * no more writes). "Stopped working" can be well before this call: a network that silently drops
     * packets shows only when the health monitor or TCP gives up on the connection, tens of seconds later
     * (a new user's black-holed primary: a notification sent 3 s into a 35-s outage, told
     * {@code reconnecting} ~20 s in). So on {@link #reconnected} re-read everything you follow, not only
     * what changed after this call.
     */
    default void reconnecting(int attempt, Throwable cause) {
    }

    /**
     * A new connection is up and LISTENs on every channel again; notifications sent meanwhile were
     * lost: an application that must not miss a change re-reads the state it follows now. Told before
     * the calls that waited for this connection complete.
     */
    default void reconnected(PgConnection connection, int attempts) {
    }

    /** No more attempts (a bounded policy only): the subscription has ended and listeners got their completion signal. */
    default void gaveUp(Throwable cause) {
    }

    /**
     * The subscription ended without an error: {@link NotificationSubscriber#close()} was called, or its
     * factory was closed (then it does not re-connect). Called once; not after {@link #gaveUp}. Told last: no
     * other event follows it (nor {@link #gaveUp}); when another callback runs as the subscription ends, this one is
     * told on that callback's thread once it returns.
     */
    default void closed() {
    }
}
