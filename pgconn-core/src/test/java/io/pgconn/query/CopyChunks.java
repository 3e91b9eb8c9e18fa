package io.pgconn.query;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A test publisher of COPY input: chunk {@code i} is {@code chunk.apply(i)}, emitted inside {@code request} (on the
 * thread that asks: pgconn's event loop), {@code count} of them, then completion — or an error at chunk
 * {@link #failAt}, or nothing at all before {@link #heldUntil}'s latch opens. Records the most chunks it was asked for
 * ahead of those it emitted, and whether it was cancelled.
 */
final class CopyChunks implements Flow.Publisher<ByteBuffer> {

    private final IntFunction<byte[]> chunk;
    private final int count;
    final AtomicLong maxAhead = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicInteger emitted = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    private volatile int failAt = -1;
    private volatile Throwable failure;
    private volatile CountDownLatch heldGate;

    CopyChunks(int count, IntFunction<byte[]> chunk) {
        this.count = count;
        this.chunk = chunk;
    }

    /** Text rows {@code "i\tname-i\n"}, {@code rowsPerChunk} per chunk, {@code rows} in all (a multiple). */
    static CopyChunks textRows(int rows, int rowsPerChunk) {
        return new CopyChunks(rows / rowsPerChunk, c -> {
            StringBuilder text = new StringBuilder();
            for (int i = c * rowsPerChunk + 1; i <= (c + 1) * rowsPerChunk; i++) {
                text.append(i).append('\t').append("name-").append(i).append('\n');
            }
            return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
    }

    /** Signals {@code error} instead of chunk {@code index}. */
    CopyChunks failingAt(int index, Throwable error) {
        this.failAt = index;
        this.failure = error;
        return this;
    }

    /** Emits nothing until {@code latch} is counted down. */
    CopyChunks heldUntil(CountDownLatch latch) {
        this.heldGate = latch;
        return this;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriptions.incrementAndGet();
        subscriber.onSubscribe(new Flow.Subscription() {
            private long demand;
            private int next;
            private boolean emitting;
            private boolean ended;

            @Override
            public synchronized void request(long n) {
                demand += n;
                maxAhead.accumulateAndGet(demand, Math::max);
                if (emitting) {
                    return;
                }
                CountDownLatch held = heldGate;
                if (held != null && held.getCount() > 0) {
                    Thread waiter = new Thread(() -> {
                        try {
                            held.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        heldGate = null;
                        request(0);
                    });
                    waiter.setDaemon(true);
                    waiter.start();
                    return;
                }
                emitting = true;
                try {
                    while (demand > 0 && !ended && !cancelled.get()) {
                        if (next == failAt) {
                            ended = true;
                            subscriber.onError(failure);
                            return;
                        }
                        if (next == count) {
                            ended = true;
                            subscriber.onComplete();
                            return;
                        }
                        demand--;
                        emitted.incrementAndGet();
                        subscriber.onNext(ByteBuffer.wrap(chunk.apply(next++)));
                    }
                } finally {
                    emitting = false;
                }
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
    }
}
