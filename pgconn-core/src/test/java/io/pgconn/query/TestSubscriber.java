package io.pgconn.query;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A subscriber driven by the test: counts what it got and requests only when told. */
final class TestSubscriber extends DrivenSubscriber<Segment> {

    final AtomicLong rows = new AtomicLong();
    final AtomicLong segments = new AtomicLong();
    final AtomicReference<CommandResult> lastResult = new AtomicReference<>();
    private final Consumer<Row> onRow;

    TestSubscriber(Consumer<Row> onRow) {
        this.onRow = onRow;
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

}
