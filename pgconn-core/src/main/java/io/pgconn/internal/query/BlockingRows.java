package io.pgconn.internal.query;

import io.pgconn.EventLoops;
import io.pgconn.query.Row;
import io.pgconn.query.Segment;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * A statement's rows for a reader that blocks ({@code PgStatement.stream}): the subscriber side runs on
 * the connection's event loop and only queues what the server sent; the reader's thread takes rows from
 * the queue and asks for more as it consumes them. So a slow reader (one writing each row to a slow HTTP
 * client) slows its own statement — reading pauses when demand runs out — and never the event loop that
 * every other connection on it shares.
 *
 * <p>Demand: {@code prefetch} rows at first, then the half of it each time the reader took that many.
 * Segments that are not rows (metadata, command results) are asked for again at once on the loop, since
 * the reader never sees them. Closing before the end cancels the statement as cancelling a subscription
 * does; the connection stays usable.
 */
final class BlockingRows implements Flow.Subscriber<Segment>, Iterator<Row>, AutoCloseable {

    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    private final String statement;
    private final int prefetch;
    private final int replenish;
    /** Rows, then one {@link Failure} or {@link #END}: never more than the demand given plus that one. */
    private final BlockingQueue<Object> queue;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    // the reader's thread only
    private Object peeked;
    private int takenSinceRequest;
    private boolean finished;

    /** @param statement what messages call the statement (its host; never its text or a parameter) */
    BlockingRows(String statement, int prefetch) {
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be at least 1 row, was " + prefetch);
        }
        this.statement = statement;
        this.prefetch = prefetch;
        this.replenish = Math.max(1, prefetch / 2);
        this.queue = new ArrayBlockingQueue<>(prefetch + 1);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(prefetch);
        }
    }

    @Override
    public void onNext(Segment segment) {
        if (segment instanceof Row row) {
            queue.add(row);
        } else if (!closed) {
            subscription.request(1); // the reader never takes it: its demand is given back here
        }
    }

    @Override
    public void onError(Throwable error) {
        queue.add(new Failure(error));
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public boolean hasNext() {
        if (finished) {
            return false;
        }
        if (peeked == null) {
            peeked = take();
        }
        if (peeked == END) {
            finished = true;
            return false;
        }
        if (peeked instanceof Failure failure) {
            finished = true;
            peeked = null;
            throw unchecked(failure.error());
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows from " + statement);
        }
        Row row = (Row) peeked;
        peeked = null;
        if (++takenSinceRequest == replenish) {
            takenSinceRequest = 0;
            subscription.request(replenish);
        }
        return row;
    }

    /** Cancels the statement when its rows were not all read; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !finished) {
            s.cancel();
        }
        finished = true;
        queue.clear();
    }

    private Object take() {
        refuseOnAnEventLoop();
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new CancellationException("interrupted while waiting for the next row of " + statement
                    + ": the statement was cancelled");
        }
    }

    /**
     * Waiting on an event loop would stop the loop that delivers the rows (a deadlock when it is the
     * connection's own) or every connection of another one.
     */
    private void refuseOnAnEventLoop() {
        if (EventLoops.inAnyEventLoop()) {
            close();
            throw new IllegalStateException("the rows of " + statement + " were waited for on an event loop thread ("
                    + Thread.currentThread().getName() + "): a blocking read stalls the loop that delivers them; "
                    + "use execute() with a Flow.Subscriber, or read the stream from another thread");
        }
    }

    private static RuntimeException unchecked(Throwable error) {
        return error instanceof RuntimeException r ? r : new CompletionException(error);
    }
}
