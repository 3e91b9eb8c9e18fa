package io.pgconn.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte array published as read-only chunks of {@code chunk} bytes (the last one shorter), each a fresh view of the
 * array (no copy), as many as requested: a COPY's input for {@code PgConnection.copyIn(sql, Flow.Publisher)}. One
 * subscription per subscriber, each from the array's start; requests made from inside {@code onNext} are served by
 * the loop already running.
 */
final class ByteArrayChunkPublisher implements Flow.Publisher<ByteBuffer> {

    private final byte[] data;
    private final int chunk;

    ByteArrayChunkPublisher(byte[] data, int chunk) {
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk size " + chunk + ": expected > 0");
        }
        this.data = data;
        this.chunk = chunk;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Chunks(subscriber));
    }

    private final class Chunks implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private int offset;

        Chunks(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (cancelled) {
                return;
            }
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): expected > 0 (Reactive Streams §3.9)"));
                return;
            }
            if (demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b) != 0) {
                return; // the loop below is running (a request from inside onNext, or another thread): it serves this one
            }
            long wanted = n;
            while (true) {
                long sent = 0;
                while (sent < wanted && offset < data.length && !cancelled) {
                    int length = Math.min(chunk, data.length - offset);
                    ByteBuffer next = ByteBuffer.wrap(data, offset, length).asReadOnlyBuffer();
                    offset += length;
                    sent++;
                    subscriber.onNext(next);
                }
                if (cancelled) {
                    return;
                }
                if (offset >= data.length) {
                    cancelled = true; // done: later requests are no-ops
                    subscriber.onComplete();
                    return;
                }
                wanted = demand.addAndGet(-sent);
                if (wanted == 0) {
                    return;
                }
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
