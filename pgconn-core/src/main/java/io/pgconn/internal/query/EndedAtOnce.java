package io.pgconn.internal.query;

import java.util.concurrent.Flow;

/**
 * A publisher's subscription when its end is known before anyone asks (a statement refused before
 * sending, an empty script): the subscriber gets {@code onSubscribe} and then its end. A request
 * of no or negative demand made in {@code onSubscribe} makes that end an
 * {@link IllegalArgumentException} (Reactive Streams §3.9); every call after the end is a no-op (§3.6).
 */
final class EndedAtOnce implements Flow.Subscription {

    private long refused = 1; // positive: no bad request seen

    private EndedAtOnce() {
    }

    /** Signals {@code onSubscribe} then {@code error}, or {@code onComplete} when it is null. */
    static void signal(Flow.Subscriber<?> subscriber, Throwable error) {
        EndedAtOnce subscription = new EndedAtOnce();
        subscriber.onSubscribe(subscription);
        if (subscription.refused <= 0) {
            subscriber.onError(new IllegalArgumentException("request(" + subscription.refused
                    + "): demand must be positive (Reactive Streams §3.9)"));
        } else if (error != null) {
            subscriber.onError(error);
        } else {
            subscriber.onComplete();
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0 && refused > 0) {
            refused = n;
        }
    }

    @Override
    public void cancel() {
    }
}
