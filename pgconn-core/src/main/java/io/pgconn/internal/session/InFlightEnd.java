package io.pgconn.internal.session;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;

import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A place in the session's FIFO that is never written: it waits to be the head — every exchange submitted before
 * it answered by its ReadyForQuery, also one cancelled or given up on — then leaves, completing {@link #status}
 * with the transaction status after them ({@code PgConnection.transactionStatusAfterInFlight()}), also while a
 * CancelRequest holds the writes (it writes nothing: {@code ExchangeFifo.writeUnwritten}). Exchanges
 * submitted after it wait unwritten behind it meanwhile. The session's end fails it, and so does a close begun before it
 * took its place (the channel may stay open a moment longer: {@link CancelFirstClose}): always saying that what its
 * caller would send next was not sent ({@link LostExchanges#submittedAfterTheEnd}; NEW-USER-33 F2: a bare "connection ...
 * closed" before a COMMIT read like a COMMIT the server may have run). Event loop only.
 */
final class InFlightEnd extends Exchange {

    /** The transaction status after everything before it; fails, saying nothing more was sent, when the session ends first. */
    final CompletableFuture<Character> status = new CompletableFuture<>();
    private char statusAtItsTurn = 'I';
    /** The session it waits in, once it took its place. */
    private PipelinedSession session;

    /**
     * Completes with {@code session}'s transaction status once every exchange submitted before the call is answered (or
     * left); fails with the closed error, saying it was not sent, when the session ends first. Safe from any thread: from another, it takes its
     * place in the FIFO in a task queued behind theirs, as {@link PipelinedSession#submit} does, and is counted in the
     * gate as a submit meanwhile (a caller's close or start waits for it).
     */
    static CompletableFuture<Character> queue(PipelinedSession session) {
        InFlightEnd end = new InFlightEnd();
        if (!session.gate().submitting()) {
            end.fail(session.whyEnded().inFlightWaitError());
            return end.status;
        }
        EventLoop loop = session.eventLoop();
        if (loop.inEventLoop()) {
            end.queueIn(session);
        } else {
            try {
                loop.execute(() -> end.queueIn(session));
            } catch (RejectedExecutionException e) { // the event loops are shut down, and the session with them
                end.fail(session.whyEnded().leftUnknownOr(session.whyEnded().loopShutDownError()));
            }
        }
        return end.status;
    }

    private void queueIn(PipelinedSession session) {
        SessionGate gate = session.gate();
        if (!gate.enterOrDefer(InFlightEnd::queueIn, this, session, session.eventLoop())) {
            return; // a caller owns the session: queued after it
        }
        try {
            gate.queued();
            if (!session.channelActive() || session.whyEnded().closeBegun()) {
                // also while a busy session's close keeps the channel open (CancelFirstClose): closing, not queued
                fail(session.whyEnded().inFlightWaitError());
                return;
            }
            this.session = session;
            session.fifo().addWaitingForItsTurn(this);
        } finally {
            gate.exit();
        }
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        throw new IllegalStateException("the end of the requests in flight is never written"); // it always leaves
    }

    @Override
    public void onMessage(BackendMessage message) {
        throw new IllegalStateException("the end of the requests in flight has no answers");
    }

    @Override
    public void onReady(char transactionStatus) {
        status.complete(transactionStatus);
    }

    /**
     * The session ended before its turn, or it came after the end: the session's closed error (also as {@link
     * LostExchanges} tells one that runs no statement) with the "not sent" note — nothing was sent after it; or the
     * unknown outcome of a statement ahead of it, as it is ({@link io.pgconn.PgOutcomeUnknownException}: what is in
     * flight may have committed).
     */
    @Override
    public void fail(PgException error) {
        status.completeExceptionally(LostExchanges.submittedAfterTheEnd(error));
    }

    @Override
    public boolean waitsToBeHead() {
        return true;
    }

    @Override
    public boolean leavesUnwritten(char transactionStatus) {
        statusAtItsTurn = session.deferredTransactions().placed(transactionStatus); // a transaction begun with its first statement: open
        return true; // in any transaction status: nothing of it is ever sent
    }

    @Override
    public void leftUnwritten() {
        status.complete(statusAtItsTurn);
    }

    /** It runs nothing: {@link LostExchanges} tells it the session's end as it is; {@link #fail} says nothing more was sent. */
    @Override
    public boolean runsAStatement() {
        return false;
    }

    /** It ends no transaction: the type lookup waiting for a transaction's end does not queue behind it. */
    @Override
    public boolean mayEndTransaction() {
        return false;
    }
}
