package io.pgconn.query;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A subscriber driven by the test: counts what it got and requests only when told. */
final class TestSubscriber implements Flow.Subscriber<Segment> {

    final AtomicLong rows = new AtomicLong();
    final AtomicLong segments = new AtomicLong();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicReference<CommandResult> lastResult = new AtomicReference<>();
    private volatile Flow.Subscription subscription;
    private final Consumer<Row> onRow;

    TestSubscriber(Consumer<Row> onRow) {
        this.onRow = onRow;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
    }

    @Override
    public void onNext(Segment segment) {
        segments.incrementAndGet();
        if (segment instanceof Row row) {
            rows.incrementAndGet();
            onRow.accept(row);
        } else if (segment instanceof CommandResult result) {
            lastResult.set(result);
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    void request(long n) {
        subscription.request(n);
    }

    void cancel() {
        subscription.cancel();
    }
}
