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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
     * The chunks' arrays are reused once the connection copied them into its write buffer ({@link CopyInPublisher}), so
     * the heap holds only as many as are in flight (16 at most on pgconn's connections), whatever the stream's size; a
     * {@code PgConnection} wrapper that does not hand the publisher on as it is gets a fresh array per chunk.
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

    /**
     * A publisher whose chunks are read from a stream on the caller's thread, one per unit of demand, into arrays the
     * connection hands back once it copied them ({@link #reusable}): a new array only while none is back, so a 1 M-row
     * COPY no longer allocates its file's size in 64-KiB arrays (NEW-USER-25 F4). Plain arrays, not Netty's pooled
     * buffers: the bytes are copied into the connection's write buffer either way, and an array that is never handed
     * back (the COPY failed, a wrapper's publisher) is only garbage, never a leak. Its waits are a
     * {@link ReentrantLock}'s, not a monitor's: before Java 24 (JEP 491) a virtual thread waiting in {@code Object.wait()}
     * pins its carrier, so two COPYs on Java 21's virtual threads held a 2-core machine's both carriers (NEW-USER-25 F2).
     */
    private static final class StreamPublisher implements CopyInPublisher, Flow.Subscription {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        /** Arrays the connection is done with, to read the next chunks into. */
        private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            lock.lock();
            try {
                subscriber = s;
                s.onSubscribe(this);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void request(long n) {
            lock.lock();
            try {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            lock.lock();
            try {
                cancelled = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Event loop: the connection copied {@code chunk}, one of ours, into its write buffer. */
        @Override
        public void reusable(ByteBuffer chunk) {
            lock.lock();
            try {
                spare.push(chunk.array());
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Reads {@code in} as demand comes until its end or the copy's; returns the stream's failure, or null. */
        IOException pump(InputStream in, CompletableFuture<Long> copy) throws InterruptedException {
            while (true) {
                Flow.Subscriber<? super ByteBuffer> s;
                byte[] chunk;
                lock.lock();
                try {
                    while (!cancelled && !copy.isDone() && (subscriber == null || demand == 0)) {
                        changed.await();
                    }
                    if (cancelled || copy.isDone()) {
                        return null;
                    }
                    demand--;
                    s = subscriber;
                    chunk = spare.poll();
                } finally {
                    lock.unlock();
                }
                if (chunk == null) {
                    chunk = new byte[IN_CHUNK];
                }
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
                s.onNext(ByteBuffer.wrap(chunk, 0, n)); // ours again at reusable(): pgconn copies it later, on the loop
            }
        }
    }

    /** A subscriber whose chunks are written to a stream on the caller's thread; waits on a lock, as {@link StreamPublisher}. */
    private static final class StreamSubscriber implements CopyOutSubscriber {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
        private Flow.Subscription subscription;
        private boolean completed;
        private Throwable error;
        private long rows = -1;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            lock.lock();
            try {
                subscription = s;
                s.request(OUT_WINDOW);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            lock.lock();
            try {
                chunks.add(chunk);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(Throwable e) {
            lock.lock();
            try {
                error = e;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onRowCount(long count) {
            lock.lock();
            try {
                rows = count;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onComplete() {
            lock.lock();
            try {
                completed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void cancel() {
            Flow.Subscription s;
            lock.lock();
            try {
                s = subscription;
            } finally {
                lock.unlock();
            }
            if (s != null) {
                s.cancel();
            }
        }

        long drainTo(OutputStream out) throws IOException, InterruptedException {
            int written = 0;
            while (true) {
                ByteBuffer chunk;
                lock.lock();
                try {
                    while (chunks.isEmpty() && !completed && error == null) {
                        changed.await();
                    }
                    chunk = chunks.poll();
                    if (chunk == null) {
                        if (error != null) {
                            throw rethrown(error);
                        }
                        return rows;
                    }
                } finally {
                    lock.unlock();
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
