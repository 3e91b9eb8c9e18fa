package io.pgconn.query;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A subscriber driven by the test: requests only when told; {@link #done} completes with its end. */
abstract class DrivenSubscriber<T> implements Flow.Subscriber<T> {

    final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    @Override
    public final void onSubscribe(Flow.Subscription s) {
        subscription = s;
    }

    @Override
    public final void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public final void onComplete() {
        done.complete(null);
    }

    final void request(long n) {
        subscription.request(n);
    }

    final void cancel() {
        subscription.cancel();
    }
}
