package io.pgconn.notify;

import io.pgconn.PgConnection;

/** What a {@link NotificationSubscriber} reports about its connection. Called on an event loop: do not block. */
public interface SubscriptionEvents {

    SubscriptionEvents NONE = new SubscriptionEvents() {
    };

    /** The connection was lost; attempt {@code attempt} of the policy starts after the backoff. */
    default void reconnecting(int attempt, Throwable cause) {
    }

    /** A new connection is up and LISTENs on every channel again; notifications sent meanwhile were lost. */
    default void reconnected(PgConnection connection, int attempts) {
    }

    /** No more attempts: the subscription has ended and listeners got their completion signal. */
    default void gaveUp(Throwable cause) {
    }
}
