package io.pgconn.internal.session;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * backend by then), and at most {@link #MAX_MILLIS} after its first send whatever the cancel does: the request is then
 * ended, the send under way (a first one, or one sent again) with its connection closed, so a cancel still dialling or
 * in its TLS handshake is never sent; only one whose bytes the server had not read yet (a postmaster that slow) can
 * still hit the statement released meanwhile (docs/query.md §5).
 * Event loop only (in the session's code, {@link SessionGate}), except {@link #action}.
 */
final class CancelHold {

    /**
     * How long one CancelRequest is given, from its first send: later exchanges are held back this long at most, and
     * the request itself is ended then, the send under way with its connection closed (here, at its bound; and by the
     * session's {@link #action}, {@code SessionEnd.cancelBounded}, this long after each send). One span for both, as
     * they must agree: a request that outlived its hold could still deliver its
     * signal to a statement the hold had released; a hold that outlived its request would keep later statements
     * waiting for a cancel that was given up. 2 s: a cancel's dial, TLS handshake and send take milliseconds on a
     * working network, so 2 s ends only one to a target that does not answer (a stopped postmaster, a lost route),
     * while bounding what such a cancel costs the statements behind it (docs/query.md §5). A busy session's close is
     * bounded by the same span ({@link CancelFirstClose#DEADLINE}).
     */
    static final long MAX_MILLIS = 2_000;
    /**
     * A CancelRequest whose statement has not answered this long after the request ended is sent again (also each
     * statement's of a busy session's close, {@link CancelFirstClose}).
     */
    static final long RESEND_AFTER_MILLIS = 100;
    /** At most this many CancelRequests again for one statement. */
    static final int MAX_RESENDS = 3;

    private final Supplier<EventLoop> loop;
    /** Writes what was held back once no cancel holds it any more. */
    private final Runnable released;
    /** The session's doors: the end of a CancelRequest, the loop's own task, enters the session's code through them. */
    private final Consumer<Runnable> door;
    private volatile Supplier<? extends CompletableFuture<?>> action = () -> CompletableFuture.completedFuture(null);
    /** CancelRequests whose connection the server has not closed yet: later exchanges wait meanwhile. */
    private int inFlight;
    /** CancelRequests sent ({@link #sent}). */
    private long sent;
    /** CancelRequests sent whose end (or {@link #MAX_MILLIS}) has not come yet ({@link #requestsInFlight}, {@link #endRequests}). */
    private final List<Request> requests = new ArrayList<>(2);
    /** The request waiting to be sent again ({@link #answered}), else null. */
    private Request resendDue;
    /**
     * Whether this thread may touch the session's state now (assertions only, {@link #belongsTo}; REVIEW-18-START L6):
     * the loop inside one of the session's doors, or the caller that owns the session. Always, for one on its own.
     */
    private BooleanSupplier mayTouchState = () -> true;

    CancelHold(Supplier<EventLoop> loop, Runnable released, Consumer<Runnable> door) {
        this.loop = loop;
        this.released = released;
        this.door = door;
    }

    /**
     * Assertions only — {@code assert hold.belongsTo(session::mayTouchState)}: its mutators assert that this thread may
     * touch the session's state ({@link PipelinedSession#mayTouchState}), so a missed door fails a test, not a user.
     */
    boolean belongsTo(BooleanSupplier mayTouchState) {
        this.mayTouchState = mayTouchState;
        return true;
    }

    /**
     * How to send a CancelRequest: set by the connection, which knows how to reach the server. The
     * returned future completes when the cancel connection has ended (or the attempt gave up); completing it from
     * outside ends the request, its connection closed ({@link #endRequests}).
     */
    void action(Supplier<? extends CompletableFuture<?>> action) {
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
        return !requests.isEmpty();
    }

    /**
     * A CancelRequest may follow (a subscriber's cancel waiting for the statement's own end,
     * {@code DeferredCancel}): later exchanges are held back as behind one in flight, until
     * {@link #releaseHold()} — after {@link #request} when one is sent, so the hold never lapses in between.
     */
    void hold() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        inFlight++;
    }

    /** Ends a {@link #hold()}: what was held back is written unless a CancelRequest still holds it. */
    void releaseHold() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
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
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        new Request(unanswered).send();
    }

    /** A statement was answered (its ReadyForQuery): a request waiting to be sent again for it ends instead. */
    void answered() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        Request waiting = resendDue;
        if (waiting != null && !waiting.unanswered.getAsBoolean()) {
            waiting.end();
        }
    }

    /**
     * Ends every CancelRequest under way now, each one's connection closed and its hold released: a busy session's
     * close at its deadline ({@link CancelFirstClose}), whatever the server did.
     */
    void endRequests() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        for (Request request : List.copyOf(requests)) {
            request.endNow();
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
        /** The send under way, else null: completing it ends that send, its connection closed. */
        CompletableFuture<?> sending;

        Request(BooleanSupplier unanswered) {
            this.unanswered = unanswered;
            inFlight++;
            requests.add(this);
        }

        void send() {
            assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
            CompletableFuture<?> request;
            try {
                request = action.get();
            } catch (RuntimeException e) {
                end(); // e.g. the event loops are shutting down: nothing was sent
                return;
            }
            sent++;
            sending = request;
            int send = ++sends;
            long left = TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS) - (System.nanoTime() - firstSentNanos);
            // at the bound the send under way ends too, its connection closed: the hold and the request end together
            bound = eventLoop.schedule(() -> door.accept(this::endNow), Math.max(0, left), TimeUnit.NANOSECONDS);
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
            assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
            if (over || send != sends) {
                return;
            }
            sending = null;
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
            assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
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
            requests.remove(this);
            released.run();
        }

        /** Ends the request at once, the send under way too (its connection closed): at its bound, or the close's deadline. */
        void endNow() {
            CompletableFuture<?> current = sending;
            if (current != null) {
                current.complete(null); // its end, queued for the loop, comes to an ended request: ignored
            }
            end();
        }
    }
}
