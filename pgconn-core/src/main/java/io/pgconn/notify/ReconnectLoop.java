package io.pgconn.notify;

import io.pgconn.FutureFailures;
import io.pgconn.HostStatus;
import io.pgconn.HostUpRegistration;
import io.pgconn.PgConnectionFactory;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link NotificationSubscriber}'s way back to a connection after a loss (or, after
 * {@link NotificationSubscriber#start}, a failed first connect): attempt after attempt with the
 * {@link ReconnectPolicy}'s backoff, until one carries the subscription, the subscriber is closed,
 * its factory closes, or a bounded policy runs out. The subscription's end cancels a pending backoff:
 * no login starts after close().
 *
 * <p>A backoff ends early when the factory's host memory learns that one of its hosts is up in a role
 * its {@code target_session_attrs} accepts ({@link PgConnectionFactory#onHostUp}: a health monitor's
 * {@code hostObservations(lookup).up}, or another connect of the factory that reached the server — the application
 * writes again): the next attempt starts at once instead of leaving a restarted primary without a
 * listener for up to the policy's longest backoff (new user 9, F2). Only a backoff then waiting ends: a
 * report made while an attempt is in flight (the subscriber's own connect records one) changes nothing,
 * and an early attempt that fails waits out its next backoff: a server is tried early only on news that it
 * answered, once per such news, never in a loop against a server that is down.
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
    /** Ends {@link #pendingBackoff} early on a host found up; made at the first backoff, closed at the end; guarded by this. */
    private HostUpRegistration hostUpWatch;
    private final WantedHostUp wanted;

    ReconnectLoop(NotificationSubscriber subscriber, PgConnectionFactory factory, ReconnectPolicy policy,
                  SubscriptionEvents events, BackoffTimer timer) {
        this.subscriber = subscriber;
        this.factory = factory;
        this.policy = policy;
        this.events = events;
        this.timer = timer;
        this.wanted = WantedHostUp.of(factory.config());
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
            if (hostUpWatch == null) {
                hostUpWatch = factory.onHostUp(this::hostUp);
            }
        }
        backoff.thenCompose(ignored -> subscriber.connect(n)) // connect() itself refuses once the subscriber is closing
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        attempt(n + 1, error);
                    }
                });
    }

    /**
     * The factory learned that {@code status}'s host is up: when that is {@link WantedHostUp wanted}, the backoff now waiting ends (on the pool of the backoff timer, not the reporting
     * thread, often an event loop) and its attempt connects.
     */
    private void hostUp(HostStatus status) {
        if (!wanted.test(status)) {
            return;
        }
        CompletableFuture<Void> backoff;
        synchronized (this) {
            backoff = pendingBackoff;
        }
        if (backoff != null && !backoff.isDone()) {
            backoff.completeAsync(() -> null);
        }
    }

    /**
     * The subscription ended: the backoff waiting for the next attempt is cancelled, so that attempt
     * never connects (its timer's wake-up then does nothing), and so is one an attempt that began before
     * the end asks for after it.
     */
    void cancel() {
        CompletableFuture<Void> backoff;
        HostUpRegistration watch;
        synchronized (this) {
            cancelled = true;
            backoff = pendingBackoff;
            pendingBackoff = null;
            watch = hostUpWatch;
            hostUpWatch = null;
        }
        if (watch != null) {
            watch.close();
        }
        if (backoff != null) {
            backoff.cancel(false);
        }
    }
}
