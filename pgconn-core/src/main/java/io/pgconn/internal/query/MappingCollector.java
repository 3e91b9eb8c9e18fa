package io.pgconn.internal.query;

import io.pgconn.query.Row;
import io.pgconn.query.Segment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Maps each row of a statement as it arrives (on the event loop, while the server still sends the
 * rest) and gathers the results: decoding overlaps the transfer instead of following it. A mapper
 * that throws fails the future with its exception and cancels the subscription, which stops the
 * statement on the server (or drains its rows); the connection stays usable. Cancelling the future
 * cancels the subscription too.
 */
final class MappingCollector<T> implements Flow.Subscriber<Segment> {

    private final CompletableFuture<List<T>> result;
    private final Function<? super Row, ? extends T> mapper;
    private final ArrayList<T> mapped = new ArrayList<>(16);
    /** {@link #mapped}'s capacity, doubled when full: ArrayList's own growth (×1.5) copied the list twice as often on long results. */
    private int capacity = 16;
    private Flow.Subscription subscription;

    /** {@code blockingWaitSpin}: how long a thread blocked on the result spins first ({@link SpinThenParkFuture}). */
    MappingCollector(Function<? super Row, ? extends T> mapper, WaitSpinBackoff blockingWaitSpin) {
        this.result = new SpinThenParkFuture<>(blockingWaitSpin);
        this.mapper = mapper;
    }

    CompletableFuture<List<T>> result() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                subscription.cancel();
            }
        });
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Segment segment) {
        if (segment instanceof Row row && !result.isDone()) {
            T value;
            try {
                value = mapper.apply(row);
            } catch (Throwable error) { // the caller's code: its failure is the statement's result
                subscription.cancel();
                result.completeExceptionally(error);
                return;
            }
            if (mapped.size() == capacity) {
                capacity = capacity > (Integer.MAX_VALUE - 8) / 2 ? Integer.MAX_VALUE - 8 : capacity * 2;
                mapped.ensureCapacity(capacity);
            }
            mapped.add(value);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(Collections.unmodifiableList(mapped));
    }
}
