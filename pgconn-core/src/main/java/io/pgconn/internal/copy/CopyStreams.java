package io.pgconn.internal.copy;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import io.pgconn.internal.query.QuerySession;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * The blocking forms of copyIn and copyOut, for a caller with a thread to spend: the stream is read (or written) on the
 * caller's thread, never on the event loop, as the copy's demand allows. Refused on an event loop thread (it would
 * wait for answers only that loop reads).
 */
public final class CopyStreams {

    /** How much of the input stream one CopyData carries. */
    static final int IN_CHUNK = 64 * 1024;
    /** Rows (CopyData chunks) asked for ahead of those written to the output stream. */
    static final int OUT_WINDOW = 256;

    private CopyStreams() {
    }

    /**
     * Runs {@code sql} (COPY ... FROM STDIN) with the bytes of {@code in}, read on this thread in chunks of 64 KiB;
     * returns the row count. The stream is not closed. An IOException of the stream fails the COPY (CopyFail, the
     * server rolls it back) and is thrown as is; a server error is thrown as its {@code PgException}.
     */
    public static long copyIn(QuerySession session, String sql, InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        refuseOnAnEventLoop("copyInFrom(String, InputStream)");
        StreamPublisher publisher = new StreamPublisher();
        CompletableFuture<Long> copy = CopyInExchange.start(session, sql, publisher);
        copy.whenComplete((rows, e) -> publisher.wake());
        IOException readFailure = null;
        try {
            readFailure = publisher.pump(in, copy);
        } catch (InterruptedException e) {
            copy.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("copyInFrom interrupted: the COPY was cancelled (the server rolls it back)");
        }
        try {
            return copy.join();
        } catch (CompletionException e) {
            if (readFailure != null) {
                throw readFailure;
            }
            throw rethrown(e.getCause());
        }
    }

    /**
     * Runs {@code sql} (COPY ... TO STDOUT) and writes its output to {@code out} on this thread; returns the row count.
     * The stream is not closed (nor flushed). An IOException of the stream cancels the COPY and is thrown as is.
     */
    public static long copyOut(QuerySession session, String sql, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        refuseOnAnEventLoop("copyOutTo(String, OutputStream)");
        StreamSubscriber subscriber = new StreamSubscriber();
        CopyOutExchange.start(session, sql, subscriber, subscriber::rows);
        try {
            return subscriber.drainTo(out);
        } catch (InterruptedException e) {
            subscriber.cancel();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("copyOutTo interrupted: the COPY was cancelled");
        }
    }

    private static void refuseOnAnEventLoop(String method) {
        if (ThreadExecutorMap.currentExecutor() instanceof EventLoop) {
            throw new IllegalStateException(method + " blocks its caller, and " + Thread.currentThread().getName()
                    + " runs an event loop: use the Flow.Publisher form there");
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }

    /** A publisher whose chunks are read from a stream on the caller's thread, one per unit of demand. */
    private static final class StreamPublisher implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean cancelled;

        @Override
        public synchronized void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscriber = s;
            s.onSubscribe(this);
            notifyAll();
        }

        @Override
        public synchronized void request(long n) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        synchronized void wake() {
            notifyAll();
        }

        /** Reads {@code in} as demand comes until its end or the copy's; returns the stream's failure, or null. */
        IOException pump(InputStream in, CompletableFuture<Long> copy) throws InterruptedException {
            while (true) {
                Flow.Subscriber<? super ByteBuffer> s;
                synchronized (this) {
                    while (!cancelled && !copy.isDone() && (subscriber == null || demand == 0)) {
                        wait();
                    }
                    if (cancelled || copy.isDone()) {
                        return null;
                    }
                    demand--;
                    s = subscriber;
                }
                byte[] chunk = new byte[IN_CHUNK];
                int n;
                try {
                    n = in.read(chunk);
                } catch (IOException e) {
                    s.onError(e);
                    return e;
                }
                if (n < 0) {
                    s.onComplete();
                    return null;
                }
                s.onNext(ByteBuffer.wrap(chunk, 0, n)); // a fresh array per chunk: pgconn copies it later, on the loop
            }
        }
    }

    /** A subscriber whose chunks are written to a stream on the caller's thread. */
    private static final class StreamSubscriber implements Flow.Subscriber<ByteBuffer> {
        private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
        private Flow.Subscription subscription;
        private boolean completed;
        private Throwable error;
        private long rows = -1;

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(OUT_WINDOW);
        }

        @Override
        public synchronized void onNext(ByteBuffer chunk) {
            chunks.add(chunk);
            notifyAll();
        }

        @Override
        public synchronized void onError(Throwable e) {
            error = e;
            notifyAll();
        }

        @Override
        public synchronized void onComplete() {
            completed = true;
            notifyAll();
        }

        synchronized void rows(long count) {
            rows = count;
        }

        synchronized void cancel() {
            if (subscription != null) {
                subscription.cancel();
            }
        }

        long drainTo(OutputStream out) throws IOException, InterruptedException {
            int written = 0;
            while (true) {
                ByteBuffer chunk;
                synchronized (this) {
                    while (chunks.isEmpty() && !completed && error == null) {
                        wait();
                    }
                    chunk = chunks.poll();
                    if (chunk == null) {
                        if (error != null) {
                            throw rethrown(error);
                        }
                        return rows;
                    }
                }
                try {
                    out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
                } catch (IOException e) {
                    cancel();
                    throw e;
                }
                if (++written == OUT_WINDOW / 2) {
                    written = 0;
                    subscription.request(OUT_WINDOW / 2);
                }
            }
        }
    }
}
