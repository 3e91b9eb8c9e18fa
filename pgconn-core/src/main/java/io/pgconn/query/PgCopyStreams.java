package io.pgconn.query;

import io.pgconn.EventLoops;
import io.pgconn.PgConnection;

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
 * The blocking forms of COPY, for a caller with a thread to spend: {@link #copyIn} reads an {@link InputStream} and
 * {@link #copyOut} writes an {@link OutputStream} on the calling thread, as the copy's demand allows, and both block
 * until the COPY ended. They run on {@link PgConnection#copyIn(String, Flow.Publisher)} and
 * {@link PgConnection#copyOut(String)}, which never block (docs/query.md §6). Refused on an event loop thread
 * ({@link IllegalStateException}): it would wait for answers only that loop reads.
 *
 * <pre>{@code
 * long loaded = PgCopyStreams.copyIn(connection, "COPY item FROM STDIN (FORMAT csv)", Files.newInputStream(csv));
 * long exported = PgCopyStreams.copyOut(connection, "COPY item TO STDOUT (FORMAT csv)", Files.newOutputStream(out));
 * }</pre>
 *
 * <p>Until session 21 these were {@code PgConnection.copyInFrom(sql, in)} and {@code copyOutTo(sql, out)}: callers
 * change to {@code PgCopyStreams.copyIn(connection, sql, in)} and {@code PgCopyStreams.copyOut(connection, sql, out)}.
 */
public final class PgCopyStreams {

    /** How much of the input stream one CopyData carries. */
    static final int IN_CHUNK = 64 * 1024;
    /** Rows (CopyData chunks) asked for ahead of those written to the output stream. */
    static final int OUT_WINDOW = 256;

    private PgCopyStreams() {
    }

    /**
     * Runs {@code sql}, one {@code COPY ... FROM STDIN}, on {@code connection} with the bytes of {@code data}, read on
     * this thread in chunks of 64 KiB as the socket takes them; blocks until the COPY ended and returns its row count.
     * The stream is not closed. Its {@code IOException} fails the COPY (CopyFail: the server rolls it back) and is
     * thrown as is; a server error is thrown as its {@link io.pgconn.PgException}. An interrupt cancels the COPY and is
     * thrown as an {@link InterruptedIOException}, the thread's interrupt status kept.
     */
    public static long copyIn(PgConnection connection, String sql, InputStream data) throws IOException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(data, "data");
        refuseOnAnEventLoop("copyIn(PgConnection, String, InputStream)");
        StreamPublisher publisher = new StreamPublisher();
        CompletableFuture<Long> copy = connection.copyIn(sql, publisher);
        copy.whenComplete((rows, e) -> publisher.wake());
        IOException readFailure = null;
        try {
            readFailure = publisher.pump(data, copy);
        } catch (InterruptedException e) {
            copy.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("PgCopyStreams.copyIn interrupted: the COPY was cancelled (the server rolls it back)");
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
     * Runs {@code sql}, one {@code COPY ... TO STDOUT}, on {@code connection} and writes its output to {@code out} on
     * this thread, asking for more only as it is written; blocks until the COPY ended and returns its row count — or -1
     * when the connection did not report one: a {@code PgConnection} wrapper whose {@code copyOut} does not hand its
     * subscriber on as it is hides the {@link CopyOutSubscriber} (pgconn's own connections always report it). The
     * stream is neither flushed nor closed. Its {@code IOException} cancels the COPY (a CancelRequest, the rest read
     * past) and is thrown as is; a server error is thrown as its {@link io.pgconn.PgException}. An interrupt cancels
     * the COPY and is thrown as an {@link InterruptedIOException}, the thread's interrupt status kept.
     */
    public static long copyOut(PgConnection connection, String sql, OutputStream out) throws IOException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(out, "out");
        refuseOnAnEventLoop("copyOut(PgConnection, String, OutputStream)");
        StreamSubscriber subscriber = new StreamSubscriber();
        connection.copyOut(sql).subscribe(subscriber);
        try {
            return subscriber.drainTo(out);
        } catch (InterruptedException e) {
            subscriber.cancel();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("PgCopyStreams.copyOut interrupted: the COPY was cancelled");
        }
    }

    private static void refuseOnAnEventLoop(String method) {
        if (EventLoops.inAnyEventLoop()) {
            throw new IllegalStateException("PgCopyStreams." + method + " blocks its caller, and " + Thread.currentThread().getName()
                    + " runs an event loop: use PgConnection's copyIn(String, Flow.Publisher) or copyOut(String) there");
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
    private static final class StreamSubscriber implements CopyOutSubscriber {
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
        public synchronized void onRowCount(long count) {
            rows = count;
        }

        @Override
        public synchronized void onComplete() {
            completed = true;
            notifyAll();
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
