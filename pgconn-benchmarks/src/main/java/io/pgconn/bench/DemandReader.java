package io.pgconn.bench;

import io.pgconn.query.PgStatement;
import io.pgconn.query.Row;
import io.pgconn.query.Segment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Reads a statement's rows with bounded demand: {@code batch} more each time {@code batch} arrived. */
final class DemandReader implements Flow.Subscriber<Segment> {

    private final int batch;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long rows;

    private DemandReader(int batch) {
        this.batch = batch;
    }

    static long readAll(PgStatement statement, int batch) {
        DemandReader reader = new DemandReader(batch);
        statement.execute().subscribe(reader);
        return reader.done.join();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(batch + 2L); // + the row metadata and the command result
    }

    @Override
    public void onNext(Segment segment) {
        if (segment instanceof Row && ++rows % batch == 0) {
            subscription.request(batch);
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        done.complete(rows);
    }
}
