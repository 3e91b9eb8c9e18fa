package io.pgconn.internal.query;

import io.pgconn.query.CommandResult;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.RowSet;
import io.pgconn.query.Segment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Gathers a statement's segments into one {@link RowSet} per execution. Cancelling the future
 * cancels the subscription, which cancels the statement on the server.
 */
final class RowSetCollector<R> implements Flow.Subscriber<Segment> {

    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());

    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final Function<List<RowSet>, R> finisher;
    private final List<RowSet> sets = new ArrayList<>(1);
    private RowMetadata metadata = NO_COLUMNS;
    private List<Row> rows = new ArrayList<>();

    RowSetCollector(Function<List<RowSet>, R> finisher) {
        this.finisher = finisher;
    }

    CompletableFuture<R> result() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                subscription.cancel();
            }
        });
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Segment segment) {
        if (segment instanceof Row row) {
            rows.add(row);
        } else if (segment instanceof RowMetadata columns) {
            metadata = columns;
        } else if (segment instanceof CommandResult done) {
            sets.add(new RowSet(metadata, rows, done.commandTag(), done.rowCount()));
            metadata = NO_COLUMNS;
            rows = new ArrayList<>();
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(finisher.apply(sets));
    }
}
