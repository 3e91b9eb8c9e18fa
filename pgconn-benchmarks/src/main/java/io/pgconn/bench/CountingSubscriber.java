package io.pgconn.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * The benchmarks' reader of a {@link Flow.Publisher}: counts the items {@code counted} accepts (it may read them too),
 * with bounded demand — {@code batch} at the subscription and {@code batch} more each time {@code batch} items arrived
 * ({@link Long#MAX_VALUE}: unbounded, asked for once) — and completes {@link #done()} with the count at the end, or with
 * the error. {@code atCount} runs once, on the thread delivering, when the count reaches {@code at} (a measurement
 * taken midway; 0: none).
 */
final class CountingSubscriber<T> implements Flow.Subscriber<T> {

    private final long batch;
    private final Predicate<? super T> counted;
    private final long at;
    private final Runnable atCount;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long count;
    private long left;

    CountingSubscriber(long batch, Predicate<? super T> counted, long at, Runnable atCount) {
        this.batch = batch;
        this.counted = counted;
        this.at = at;
        this.atCount = atCount;
    }

    CountingSubscriber(long batch, Predicate<? super T> counted) {
        this(batch, counted, 0, null);
    }

    /** The count at the publisher's end; its error if it failed. */
    CompletableFuture<Long> done() {
        return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        left = batch;
        s.request(batch);
    }

    @Override
    public void onNext(T item) {
        if (counted.test(item) && ++count == at) {
            atCount.run();
        }
        if (batch != Long.MAX_VALUE && --left == 0) {
            left = batch;
            subscription.request(batch);
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        done.complete(count);
    }
}
