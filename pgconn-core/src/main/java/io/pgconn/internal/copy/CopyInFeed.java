package io.pgconn.internal.copy;

import io.pgconn.internal.query.QuerySession;
import io.pgconn.query.CopyInPublisher;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The subscriber to a copyIn's publisher: it asks for chunks only while the channel is writable, at most
 * {@link #WINDOW} ahead of what was written, and hands each chunk, its end or its error to the
 * {@link CopyInExchange} on the event loop. Signals may come from any thread; they are queued and drained in one
 * loop task at a time (never inline, so a publisher that emits inside {@code request} does not re-enter the session's
 * code). A chunk is copied into the write buffer when the drain writes it, after which pgconn holds no reference to it;
 * a {@link CopyInPublisher} is told so at once ({@link CopyInPublisher#reusable}), to fill that buffer again.
 */
final class CopyInFeed implements Flow.Subscriber<ByteBuffer> {

    /** The most chunks asked for ahead of those written: with the socket's water marks, what bounds the heap. */
    static final int WINDOW = 16;
    private static final Object COMPLETE = new Object();

    private record Failed(Throwable error) {
    }

    private final CopyInExchange exchange;
    private final QuerySession session;
    /** The publisher, when it reuses the chunks it is told pgconn is done with; null for a plain publisher. */
    private final CopyInPublisher reuser;
    private final ConcurrentLinkedQueue<Object> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    /** Its end, its error, the server's error or the caller's cancel was seen: nothing more is written or asked for. */
    private volatile boolean stopped;
    /** Chunks asked for and not yet drained (event loop). */
    private int outstanding;
    /** A {@link QuerySession#whenWritable} is pending (event loop). */
    private boolean waitingForWritable;

    CopyInFeed(CopyInExchange exchange, QuerySession session, CopyInPublisher reuser) {
        this.exchange = exchange;
        this.session = session;
        this.reuser = reuser;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription");
        if (!subscription.compareAndSet(null, s) || stopped) {
            s.cancel(); // a second subscription (Reactive Streams §2.5), or the copy already ended
            return;
        }
        queue(this::topUp);
    }

    @Override
    public void onNext(ByteBuffer chunk) {
        if (chunk == null) {
            arrived.add(new Failed(new NullPointerException("the data publisher emitted null (Reactive Streams §2.13)")));
        } else if (!stopped) {
            arrived.add(chunk);
        } else {
            return;
        }
        queueDrain();
    }

    @Override
    public void onError(Throwable error) {
        arrived.add(new Failed(error != null ? error
                : new NullPointerException("the data publisher signalled a null error (Reactive Streams §2.13)")));
        queueDrain();
    }

    @Override
    public void onComplete() {
        arrived.add(COMPLETE);
        queueDrain();
    }

    private void queueDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            queue(this::drain);
        }
    }

    private void queue(Runnable task) {
        try {
            session.execute(task);
        } catch (RejectedExecutionException e) {
            stopped = true; // the event loops are shut down: the session's end fails the exchange
        }
    }

    /** Event loop: writes what arrived, in order, then asks for more when the channel takes it. */
    private void drain() {
        drainQueued.set(false);
        Object next;
        while ((next = arrived.poll()) != null) {
            if (stopped) {
                arrived.clear();
                return;
            }
            if (next instanceof ByteBuffer chunk) {
                outstanding--;
                exchange.send(chunk);
                if (!handedBack(chunk)) {
                    return;
                }
            } else if (next == COMPLETE) {
                stopped = true;
                exchange.dataEnded();
                return;
            } else {
                stopped = true;
                exchange.publisherFailed(((Failed) next).error());
                return;
            }
        }
        topUp();
    }

    /** Event loop: tells a reusing publisher that {@code chunk} is its own again; false if that failed the copy. */
    private boolean handedBack(ByteBuffer chunk) {
        if (reuser == null) {
            return true;
        }
        try {
            reuser.reusable(chunk);
            return true;
        } catch (RuntimeException e) { // as a publisher that throws from request
            stop();
            exchange.publisherFailed(e);
            return false;
        }
    }

    /** Event loop: tops the publisher's demand up to {@link #WINDOW} once half of it was written, if the channel is writable. */
    private void topUp() {
        Flow.Subscription s = subscription.get();
        if (stopped || s == null || waitingForWritable || outstanding > WINDOW / 2) {
            return;
        }
        if (!session.writable()) {
            waitingForWritable = true;
            session.whenWritable(() -> {
                waitingForWritable = false;
                topUp();
            });
            return;
        }
        int n = WINDOW - Math.max(outstanding, 0);
        outstanding = WINDOW;
        try {
            s.request(n);
        } catch (RuntimeException e) { // a publisher that throws from request (Reactive Streams §3.16 forbids it)
            stop();
            exchange.publisherFailed(e);
        }
    }

    /** Event loop: the copy ended (the server's error or answer, the caller's cancel, the session's end): cancels the subscription. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        arrived.clear();
        Flow.Subscription s = subscription.get();
        if (s != null) {
            try {
                s.cancel();
            } catch (RuntimeException ignored) {
                // a publisher's cancel must not keep the exchange from ending
            }
        }
    }
}
