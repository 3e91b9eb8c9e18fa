package io.pgconn.notify;

import io.pgconn.FutureFailures;
import io.pgconn.PgConnectionFactory;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link NotificationSubscriber}'s way back to a connection after a loss (or, after
 * {@link NotificationSubscriber#start}, a failed first connect): attempt after attempt with the
 * {@link ReconnectPolicy}'s backoff, until one carries the subscription, the subscriber is closed,
 * its factory closes, or a bounded policy runs out. The subscription's end cancels a pending backoff:
 * no login starts after close().
 */
final class ReconnectLoop {

    private final NotificationSubscriber subscriber;
    private final PgConnectionFactory factory;
    private final ReconnectPolicy policy;
    private final SubscriptionEvents events;
    private final BackoffTimer timer;
    /** The backoff before the next attempt, cancelled when the subscription ends; guarded by this. */
    private CompletableFuture<Void> pendingBackoff;
    /** The subscription ended: a backoff asked for afterwards is cancelled at once; guarded by this. */
    private boolean cancelled;

    ReconnectLoop(NotificationSubscriber subscriber, PgConnectionFactory factory, ReconnectPolicy policy,
                  SubscriptionEvents events, BackoffTimer timer) {
        this.subscriber = subscriber;
        this.factory = factory;
        this.policy = policy;
        this.events = events;
        this.timer = timer;
    }

    /** Attempt {@code n} after {@code cause}, with its backoff; attempt {@code n + 1} if it fails. */
    void attempt(int n, Throwable cause) {
        Throwable why = FutureFailures.unwrap(cause);
        if (!subscriber.beginAttempt(n, why)) {
            return; // closed meanwhile
        }
        if (factory.isClosed()) {
            subscriber.end(null); // the application is shutting down: nothing to re-connect to, nothing to warn about
            return;
        }
        if (n > policy.maxAttempts()) {
            subscriber.end(why); // ended() is final before anyone hears that it gave up
            events.gaveUp(why);
            return;
        }
        events.reconnecting(n, why);
        CompletableFuture<Void> backoff = timer.after(policy.backoff(n));
        synchronized (this) {
            if (cancelled) { // the subscription ended since this attempt began: no timer left behind it
                backoff.cancel(false);
                return;
            }
            pendingBackoff = backoff;
        }
        backoff.thenCompose(ignored -> subscriber.connect(n)) // connect() itself refuses once the subscriber is closing
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        attempt(n + 1, error);
                    }
                });
    }

    /**
     * The subscription ended: the backoff waiting for the next attempt is cancelled, so that attempt
     * never connects (its timer's wake-up then does nothing), and so is one an attempt that began before
     * the end asks for after it.
     */
    void cancel() {
        CompletableFuture<Void> backoff;
        synchronized (this) {
            cancelled = true;
            backoff = pendingBackoff;
            pendingBackoff = null;
        }
        if (backoff != null) {
            backoff.cancel(false);
        }
    }
}
