package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.internal.copy.CopyInExchange;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Sync;
import io.pgconn.internal.protocol.frontend.Terminate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

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
 * once the one before ended and an answer came since. Each is a statement's CancelRequest of {@link CancelHold#request},
 * its {@code unanswered} "this pipeline position has not answered yet": one that reached the backend between two
 * statements is dropped by the server, so it is sent again by the same rule and numbers as a statement's own. The last
 * written exchange may hold its Sync back (paging, a timeout): an error it gets (the cancel) makes the backend skip
 * everything up to a Sync, the Terminate too, so a Sync is written then. When that last exchange may have started a
 * COPY FROM STDIN (the extended protocol's possible COPY, its Sync written only in reply), CopyFail and Sync are written
 * at once instead ({@link #endAPossibleCopyIn}). Everything is bounded by {@link #DEADLINE}:
 * then the socket is closed and the CancelRequests in flight ended ({@link CancelHold#endRequests}), whatever the
 * server did. Event loop only, in the session's code.
 */
final class CancelFirstClose {

    /**
     * How long the whole close may take: after it, the socket and the CancelRequests in flight are closed
     * (docs/lifecycle.md §4: {@code close()} of a busy connection waits at most this long). One CancelRequest's span
     * ({@link CancelHold#MAX_MILLIS}), not a rule of its own: the close's first CancelRequest — the only one when one
     * statement runs — gets all the time any statement's cancel gets, and the close waits no longer than that; a
     * pipeline's later positions share what is left of it.
     */
    static final Duration DEADLINE = Duration.ofMillis(CancelHold.MAX_MILLIS);

    private final Channel channel;
    private final PipelinedSession session;
    /** The session's CancelRequests: the close's own go through it, and the Terminate waits for all of them. */
    private final CancelHold cancels;
    /** Completes when the close sends no more CancelRequests and none of the session's is in flight: close()'s future waits for it. */
    private final CompletableFuture<Void> cancelsEnded = new CompletableFuture<>();
    /** ReadyForQuery messages the server still owes for what was written, each with its Sync, before the close. */
    private int readiesOwed;
    /** The last exchange written holds its Sync back: an error it gets needs one before the backend reads on. */
    private boolean lastUnsynced;
    /** The last exchange written holds its Sync back after a Bind phase that may have started a COPY FROM STDIN. */
    private final boolean lastMayCopyIn;
    /** The close wrote CopyFail and Sync for that possible COPY ({@link #endAPossibleCopyIn}). */
    private boolean copyFailWritten;
    /** ReadyForQuery messages read since the close began: the pipeline position the server is at. */
    private int answers;
    /** The position ({@link #answers}) whose CancelRequest was sent last, -1 before the first. */
    private int cancelledPosition = -1;
    private ScheduledFuture<?> deadline;
    private boolean terminateWritten;

    /**
     * @param lastMayCopyIn the last exchange written holds its Sync back after a Bind phase that may have started a
     *                      COPY FROM STDIN ({@code ExchangeFifo.lastWrittenMayCopyInUnsynced})
     */
    CancelFirstClose(Channel channel, PipelinedSession session, CancelHold cancels, int readiesOwed, boolean lastUnsynced,
                     boolean lastMayCopyIn) {
        this.channel = channel;
        this.session = session;
        this.cancels = cancels;
        this.readiesOwed = readiesOwed;
        this.lastUnsynced = lastUnsynced;
        this.lastMayCopyIn = lastMayCopyIn;
    }

    /** Starts the close: the first CancelRequest (a statement's own may still be under way), the deadline. */
    void start() {
        deadline = session.schedule(this::deadlinePassed, DEADLINE.toNanos());
        channel.closeFuture().addListener(f -> onLoop(this::channelClosed));
        if (lastMayCopyIn) {
            endAPossibleCopyIn();
        }
        cancelThisPosition();
    }

    /**
     * The last exchange written may have started a COPY FROM STDIN whose Sync it writes only in reply (the extended
     * protocol's possible COPY, {@code query("COPY t FROM STDIN")}): CopyFail and Sync now, and that Sync's
     * ReadyForQuery owed. A backend in COPY-IN mode takes no CancelRequest, so before this a close whose CancelRequests
     * ended before the CopyInResponse was read wrote the Terminate into the COPY ("unexpected message type 0x58 during
     * COPY from stdin", REVIEW-22 R22-5). Safe whether or not the COPY began: in COPY-IN the backend answers the
     * CopyFail with an error, skips to the Sync (a Sync read inside the COPY is ignored, which is why the CopyFail goes
     * first) and answers it; outside COPY mode PostgresMain accepts and ignores a CopyFail ("Accept but ignore these
     * messages, per protocol spec; we probably got here because a COPY failed, and the frontend is still sending data",
     * src/backend/tcop/postgres.c, the {@code PqMsg_CopyFail} case of its input loop), and while it skips to a Sync
     * after an error (the CancelRequest's) it skips the CopyFail too — either way the Sync is answered with the one
     * ReadyForQuery counted here, and the Terminate follows the backend leaving COPY.
     */
    private void endAPossibleCopyIn() {
        lastUnsynced = false; // its Sync is written now: an error the last exchange gets needs none more
        if (channel.isActive()) {
            copyFailWritten = true;
            readiesOwed++;
            channel.writeAndFlush(MessageSequence.of(CopyInExchange.closedCopyFail(), Sync.INSTANCE));
        }
    }

    /** Completes when the close's CancelRequests ended (the last one ended, or was ended at the deadline). */
    CompletableFuture<Void> cancelsEnded() {
        return cancelsEnded;
    }

    /**
     * A server message read while closing: dropped, counted — except a CopyInResponse, answered with CopyFail: a COPY
     * FROM STDIN began whose response its exchange did not read before the close (a copyIn, or a COPY the query path
     * or copyOut refuses). The backend then waits for our data, where no CancelRequest reaches it, so without the
     * CopyFail it would wait out the close's deadline and log "unexpected EOF on client connection"; with it, its error
     * and the owed ReadyForQuery follow, and the Terminate after them. Not when it is the last exchange's whose CopyFail
     * the close wrote already ({@link #endAPossibleCopyIn}; only its ReadyForQuery is still owed then).
     */
    void read(Object msg) {
        if (msg instanceof CopyResponse copy && copy.kind() == 'G' && !terminateWritten && channel.isActive()
                && !(copyFailWritten && readiesOwed == 1)) {
            channel.writeAndFlush(CopyInExchange.closedCopyFail());
        } else if (msg instanceof ReadyForQuery) {
            readiesOwed--;
            answers++;
            cancels.answered(); // a CancelRequest waiting to be sent again for the position just answered ends
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

    /** A CancelRequest of the session ended ({@link CancelHold}): the Terminate, or the next one, may be due. */
    void cancelEnded() {
        step();
    }

    /** The CancelRequest of the pipeline position the server is at: sent again while that position has not answered. */
    private void cancelThisPosition() {
        int position = answers;
        cancelledPosition = position;
        cancels.request(() -> answers == position && !terminateWritten && channel.isActive());
    }

    /** What is due now: the Terminate, the next statement's CancelRequest, or nothing yet. */
    private void step() {
        if (terminateWritten || !channel.isActive()) {
            endIfQuiet();
            return;
        }
        if (cancels.requestsInFlight()) {
            return; // no Terminate while a CancelRequest may still reach the backend
        }
        if (readiesOwed <= 0) {
            terminateWritten = true;
            channel.writeAndFlush(Terminate.INSTANCE); // the backend reads it, exits, and closes: that is our close
            endIfQuiet();
        } else if (cancelledPosition != answers) {
            cancelThisPosition(); // the pipeline's next statement runs now
        }
        // else this position's CancelRequest, sent again as often as it may be, met no statement: the deadline ends it
    }

    private void deadlinePassed() {
        channel.close();
        cancels.endRequests(); // each one's connection closed
        endIfQuiet();
    }

    private void channelClosed() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        cancels.answered(); // a CancelRequest waiting to be sent again is not needed any more: none is sent now
        endIfQuiet();
    }

    private void endIfQuiet() {
        if (!cancels.requestsInFlight() && (terminateWritten || !channel.isActive())) {
            cancelsEnded.complete(null);
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
