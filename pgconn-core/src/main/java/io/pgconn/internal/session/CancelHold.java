package io.pgconn.internal.session;

import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    /** A CancelRequest whose statement has not answered this long after the request ended is sent again. */
    static final long RESEND_AFTER_MILLIS = 100;
    /** At most this many CancelRequests again for one statement. */
    static final int MAX_RESENDS = 3;

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
    /** The request waiting to be sent again ({@link #answered}), else null. */
    private Request resendDue;

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
     * {@link #releaseHold()} — after {@link #request} when one is sent, so the hold never lapses in between.
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

    /**
     * Sends a CancelRequest and holds later exchanges back until it ended, or {@link #MAX_MILLIS}. When it ended and
     * {@code unanswered} still holds {@link #RESEND_AFTER_MILLIS} later (the statement it was sent for has not answered, is
     * still the one the server runs and nothing of ours was written after it), it is sent again, the hold kept, at most
     * {@link #MAX_RESENDS} times and within {@link #MAX_MILLIS} of the first: PostgreSQL drops a CancelRequest that
     * reaches the backend before it read the statement's Execute (docs/query.md §5). The hold ends early once the
     * statement answered ({@link #answered}).
     */
    void request(BooleanSupplier unanswered) {
        new Request(unanswered).send();
    }

    /** A statement was answered (its ReadyForQuery): a request waiting to be sent again for it ends instead. */
    void answered() {
        Request waiting = resendDue;
        if (waiting != null && !waiting.unanswered.getAsBoolean()) {
            waiting.end();
        }
    }

    /** One CancelRequest for one statement, and the hold it keeps while it is sent and, perhaps, sent again. */
    private final class Request {
        final BooleanSupplier unanswered;
        final EventLoop eventLoop = loop.get();
        final long firstSentNanos = System.nanoTime();
        /** Which send is current: a late end or bound of an earlier one is ignored. */
        int sends;
        boolean over;
        ScheduledFuture<?> bound;
        ScheduledFuture<?> resend;

        Request(BooleanSupplier unanswered) {
            this.unanswered = unanswered;
            inFlight++;
            requests++;
        }

        void send() {
            CompletionStage<?> request;
            try {
                request = action.get();
            } catch (RuntimeException e) {
                end(); // e.g. the event loops are shutting down: nothing was sent
                return;
            }
            sent++;
            int send = ++sends;
            long left = TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS) - (System.nanoTime() - firstSentNanos);
            bound = eventLoop.schedule(() -> door.accept(this::end), Math.max(0, left), TimeUnit.NANOSECONDS);
            request.whenComplete((ok, error) -> {
                try {
                    eventLoop.execute(() -> door.accept(() -> sendEnded(send)));
                } catch (RejectedExecutionException ignored) {
                    // the event loop is gone, and the connection with it
                }
            });
        }

        /** The server closed the cancel connection (it signalled the backend), or the request gave up. */
        private void sendEnded(int send) {
            if (over || send != sends) {
                return;
            }
            long resendAt = System.nanoTime() - firstSentNanos + TimeUnit.MILLISECONDS.toNanos(RESEND_AFTER_MILLIS);
            if (sends > MAX_RESENDS || resendAt >= TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS) || !unanswered.getAsBoolean()) {
                end();
                return;
            }
            bound.cancel(false);
            resendDue = this;
            resend = eventLoop.schedule(() -> door.accept(() -> {
                resendDue = null;
                if (!over && unanswered.getAsBoolean()) {
                    send();
                } else {
                    end();
                }
            }), RESEND_AFTER_MILLIS, TimeUnit.MILLISECONDS);
        }

        void end() {
            if (over) {
                return;
            }
            over = true;
            if (resendDue == this) {
                resendDue = null;
            }
            if (bound != null) {
                bound.cancel(false);
            }
            if (resend != null) {
                resend.cancel(false);
            }
            inFlight--;
            requests--;
            released.run();
        }
    }
}
