package io.pgconn.internal.session;

import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The session's CancelRequests and the hold they put on later exchanges. PostgreSQL cancels
 * whatever the backend runs when the signal arrives, so exchanges submitted while a CancelRequest is
 * in flight are written only once the server closed the cancel connection (it has signalled the
 * backend by then), and at most {@link #MAX_MILLIS} later whatever the cancel does: a cancel
 * delivered later than that can still hit the statement released meanwhile (docs/query.md §5).
 * Event loop only (in the session's code, {@link SessionGate}), except {@link #action}.
 */
final class CancelHold {

    /** How long requests are held back at most while a CancelRequest is under way. */
    static final long MAX_MILLIS = 2_000;

    private final Supplier<EventLoop> loop;
    /** Writes what was held back once no cancel holds it any more. */
    private final Runnable released;
    /** The session's doors: the end of a CancelRequest, the loop's own task, enters the session's code through them. */
    private final Consumer<Runnable> door;
    private volatile Supplier<? extends CompletionStage<?>> action = () -> CompletableFuture.completedFuture(null);
    /** CancelRequests whose connection the server has not closed yet: later exchanges wait meanwhile. */
    private int inFlight;
    /** CancelRequests sent ({@link #sent}). */
    private long sent;
    /** CancelRequests sent whose end (or {@link #MAX_MILLIS}) has not come yet ({@link #requestsInFlight}). */
    private int requests;

    CancelHold(Supplier<EventLoop> loop, Runnable released, Consumer<Runnable> door) {
        this.loop = loop;
        this.released = released;
        this.door = door;
    }

    /**
     * How to send a CancelRequest: set by the connection, which knows how to reach the server. The
     * returned stage completes when the cancel connection has ended (or the attempt gave up).
     */
    void action(Supplier<? extends CompletionStage<?>> action) {
        this.action = action;
    }

    /** Whether a CancelRequest is under way: exchanges submitted now wait unwritten. */
    boolean holding() {
        return inFlight > 0;
    }

    long sent() {
        return sent;
    }

    /** Whether a CancelRequest sent is still under way: a close writes no Terminate meanwhile ({@link CancelFirstClose}). */
    boolean requestsInFlight() {
        return requests > 0;
    }

    /**
     * A CancelRequest may follow (a subscriber's cancel waiting for the statement's own end,
     * {@code DeferredCancel}): later exchanges are held back as behind one in flight, until
     * {@link #releaseHold()} — after {@link #request()} when one is sent, so the hold never lapses in between.
     */
    void hold() {
        inFlight++;
    }

    /** Ends a {@link #hold()}: what was held back is written unless a CancelRequest still holds it. */
    void releaseHold() {
        if (inFlight > 0) {
            inFlight--;
            released.run();
        }
    }

    /** Sends a CancelRequest and holds later exchanges back until it ended, or {@link #MAX_MILLIS}. */
    void request() {
        CompletionStage<?> request;
        try {
            request = action.get();
        } catch (RuntimeException e) {
            return; // e.g. the event loops are shutting down: nothing was sent
        }
        inFlight++;
        requests++;
        sent++;
        EventLoop eventLoop = loop.get();
        boolean[] ended = new boolean[1];
        Runnable end = () -> door.accept(() -> {
            if (!ended[0]) {
                ended[0] = true;
                inFlight--;
                requests--;
                released.run();
            }
        });
        ScheduledFuture<?> bound = eventLoop.schedule(end, MAX_MILLIS, TimeUnit.MILLISECONDS);
        request.whenComplete((ok, error) -> {
            try {
                eventLoop.execute(() -> {
                    bound.cancel(false);
                    end.run();
                });
            } catch (RejectedExecutionException ignored) {
                // the event loop is gone, and the connection with it
            }
        });
    }
}
