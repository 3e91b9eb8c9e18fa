package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.Sync;
import io.pgconn.internal.protocol.frontend.Terminate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The loop's close of a session whose statement runs (docs/lifecycle.md §4; new user 19 F3): the CancelRequest first,
 * the Terminate once no CancelRequest can reach the backend any more, and the socket closed by the server's end (its
 * backend read the Terminate and exited) — what a libpq user's {@code PQcancel} then {@code PQfinish} means, without
 * their race. Meanwhile the socket is read whatever the pauses and what arrives is dropped (the work in flight already
 * failed with the close's reason): a backend blocked writing rows nobody reads ({@code ClientWrite}) takes no cancel
 * until its write completes, and a socket closed with unread input is reset, which the backend logs as
 * "could not send data to client" and "FATAL: connection to client lost". The Terminate waits for every
 * CancelRequest of the session (a statement's own, sent just before the close, too): written while one is in flight,
 * the backend could read it and exit first, and the server would log "PID ... in cancel request did not match any
 * process".
 *
 * <p>A pipeline: each statement written before the close (each ReadyForQuery owed) gets a CancelRequest in turn, sent
 * once the one before ended and an answer came since; a CancelRequest that reached the backend between two statements
 * is dropped by the server, so one whose statement does not answer is sent again ({@link #RESEND_AFTER}, at most
 * {@link #MAX_RESENDS} times in a row). The last written exchange may hold its Sync back (paging, a timeout): an
 * error it gets (the cancel) makes the backend skip everything up to a Sync, the Terminate too, so a Sync is written
 * then. Everything is bounded by {@link #DEADLINE}: then the socket is closed and the CancelRequest in flight ended,
 * whatever the server did. Event loop only, in the session's code.
 */
final class CancelFirstClose {

    /** How long the whole close may take: after it, the socket and the CancelRequest in flight are closed. */
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** A CancelRequest that ended with no answer from the backend since is sent again after this. */
    static final Duration RESEND_AFTER = Duration.ofMillis(100);
    /** At most this many CancelRequests in a row that no answer followed. */
    static final int MAX_RESENDS = 3;

    private final Channel channel;
    private final PipelinedSession session;
    /** Sends a CancelRequest; completing the future it returns from outside ends that request and closes its socket. */
    private final Supplier<CompletableFuture<Void>> cancelRequest;
    /** Whether a statement's own CancelRequest (sent before the close) is still under way. */
    private final BooleanSupplier statementCancelsInFlight;
    /** Completes when the close sends no more CancelRequests and none of its own is in flight: close()'s future waits for it. */
    private final CompletableFuture<Void> cancelsEnded = new CompletableFuture<>();
    /** ReadyForQuery messages the server still owes for what was written, each with its Sync, before the close. */
    private int readiesOwed;
    /** The last exchange written holds its Sync back: an error it gets needs one before the backend reads on. */
    private boolean lastUnsynced;
    private CompletableFuture<Void> cancel;
    private boolean answeredSinceCancel;
    private int unansweredCancels;
    private ScheduledFuture<?> resend;
    private ScheduledFuture<?> deadline;
    private boolean terminateWritten;

    CancelFirstClose(Channel channel, PipelinedSession session, Supplier<CompletableFuture<Void>> cancelRequest,
                     BooleanSupplier statementCancelsInFlight, int readiesOwed, boolean lastUnsynced) {
        this.channel = channel;
        this.session = session;
        this.cancelRequest = cancelRequest;
        this.statementCancelsInFlight = statementCancelsInFlight;
        this.readiesOwed = readiesOwed;
        this.lastUnsynced = lastUnsynced;
    }

    /** Starts the close: the first CancelRequest, the deadline. */
    void start() {
        deadline = session.schedule(this::deadlinePassed, DEADLINE.toNanos());
        channel.closeFuture().addListener(f -> onLoop(this::channelClosed));
        sendCancel();
    }

    /** Completes when the close's CancelRequests ended (the last one ended, or was ended at the deadline). */
    CompletableFuture<Void> cancelsEnded() {
        return cancelsEnded;
    }

    /** A server message read while closing: dropped, counted. */
    void read(Object msg) {
        if (msg instanceof ReadyForQuery) {
            readiesOwed--;
            answeredSinceCancel = true;
            unansweredCancels = 0;
        } else if (msg instanceof ErrorResponse && readiesOwed <= 0 && lastUnsynced && channel.isActive()) {
            // the last exchange failed before its Sync: the backend now skips everything up to a Sync, a Terminate too
            lastUnsynced = false;
            channel.writeAndFlush(Sync.INSTANCE);
            if (terminateWritten) {
                channel.writeAndFlush(Terminate.INSTANCE); // the one written before was skipped
            } else {
                readiesOwed++;
            }
        }
        step();
    }

    /** A statement's own CancelRequest ended ({@link CancelHold}): the Terminate may be due. */
    void statementCancelEnded() {
        step();
    }

    private void sendCancel() {
        cancelResend();
        answeredSinceCancel = false;
        CompletableFuture<Void> request;
        try {
            request = cancelRequest.get();
        } catch (RuntimeException e) {
            request = CompletableFuture.completedFuture(null); // e.g. the event loops are shutting down: nothing was sent
        }
        cancel = request;
        CompletableFuture<Void> sent = request;
        request.whenComplete((ok, error) -> onLoop(() -> cancelEnded(sent)));
    }

    private void cancelEnded(CompletableFuture<Void> request) {
        if (cancel != request) {
            return;
        }
        cancel = null;
        if (!answeredSinceCancel) {
            unansweredCancels++;
        }
        step();
    }

    /** What is due now: the Terminate, the next statement's CancelRequest, a resend, or nothing yet. */
    private void step() {
        if (terminateWritten || !channel.isActive()) {
            endIfQuiet();
            return;
        }
        if (cancel != null || statementCancelsInFlight.getAsBoolean()) {
            return; // no Terminate while a CancelRequest may still reach the backend
        }
        if (readiesOwed <= 0) {
            terminateWritten = true;
            cancelResend();
            channel.writeAndFlush(Terminate.INSTANCE); // the backend reads it, exits, and closes: that is our close
            endIfQuiet();
        } else if (answeredSinceCancel) {
            sendCancel(); // the pipeline's next statement runs now
        } else if (resend == null && unansweredCancels <= MAX_RESENDS) {
            resend = session.schedule(() -> {
                resend = null;
                if (cancel == null && !answeredSinceCancel && !terminateWritten && channel.isActive()) {
                    sendCancel(); // the last one reached the backend between two statements, or was lost
                }
            }, RESEND_AFTER.toNanos());
        }
    }

    private void deadlinePassed() {
        CompletableFuture<Void> inFlight = cancel;
        if (inFlight != null) {
            inFlight.complete(null); // ends the request: its socket is closed
        }
        channel.close();
    }

    private void channelClosed() {
        cancelResend();
        if (deadline != null) {
            deadline.cancel(false);
        }
        endIfQuiet();
    }

    private void endIfQuiet() {
        if (cancel == null && (terminateWritten || !channel.isActive())) {
            cancelResend();
            cancelsEnded.complete(null);
        }
    }

    private void cancelResend() {
        if (resend != null) {
            resend.cancel(false);
            resend = null;
        }
    }

    private void onLoop(Runnable task) {
        try {
            session.execute(task);
        } catch (RejectedExecutionException e) {
            cancelsEnded.complete(null); // the event loop has stopped: the channel closed with it
        }
    }
}
