package io.pgconn.internal.copy;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.frontend.CopyData;
import io.pgconn.internal.protocol.frontend.CopyDone;
import io.pgconn.internal.protocol.frontend.CopyFail;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.query.StatementTrace;
import io.pgconn.internal.query.TracedStatement;
import io.pgconn.query.CopyInPublisher;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@code COPY ... FROM STDIN} run by {@code PgConnection.copyIn}: a simple Query, then, at the server's
 * CopyInResponse, the caller's publisher is subscribed ({@link CopyInFeed}) and its chunks go out as CopyData (a
 * {@link CopyInPublisher} told of each one written, to reuse its buffer), its end
 * as CopyDone — or its error, or the caller's cancel, as CopyFail, after which the server rolls the COPY back — and the
 * COPY's CommandComplete ({@code COPY n}) completes the future with n at ReadyForQuery. It holds the writes from its
 * Query to its ReadyForQuery: what is submitted meanwhile waits unwritten (messages behind it would be read as COPY
 * data). A server error (a bad row) fails this copy only; the server drops whatever CopyData of ours still arrives
 * after it. A statement that is not a COPY FROM STDIN fails with an error saying what the server started; its answers
 * are read past (a COPY TO STDOUT's data included). An answer the COPY sub-protocol does not allow ends the session
 * ({@link PgProtocolException}). Event loop only, except {@link #start} and the future's cancel.
 */
public final class CopyInExchange extends CopyExchange {

    private final Flow.Publisher<? extends ByteBuffer> data;
    private final Result result;
    private CopyInFeed feed;
    /** The caller cancelled the future. */
    private boolean cancelled;

    private CopyInExchange(QuerySession session, String sql, Query query, Flow.Publisher<? extends ByteBuffer> data,
                           TracedStatement traced) {
        super(session, Direction.IN, sql, query, traced);
        this.data = data;
        this.result = new Result(this);
    }

    /**
     * Any thread: queues {@code sql} (one COPY ... FROM STDIN) fed from {@code data}; the future completes with the row
     * count. A text of several statements, a null publisher or a NUL in the text fail the future; nothing is sent.
     */
    public static CompletableFuture<Long> start(QuerySession session, String sql, Flow.Publisher<? extends ByteBuffer> data) {
        CopyInExchange exchange;
        try {
            Objects.requireNonNull(data, "data");
            Query query = new Query(CopyTexts.checked(session, sql, "copyIn"));
            StatementTrace trace = session.statementTrace(); // on the caller's thread: a tracer reads its context
            exchange = new CopyInExchange(session, sql, query, data, trace == null ? null : trace.simple(sql));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        session.submit(exchange);
        return exchange.result;
    }

    /** The caller's future: cancelling it fails the COPY (CopyFail) or takes it back unsent. */
    private static final class Result extends SpinThenParkFuture<Long> {
        private final CopyInExchange exchange;

        Result(CopyInExchange exchange) {
            super(0);
            this.exchange = exchange;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelledNow = super.cancel(mayInterruptIfRunning);
            if (cancelledNow) {
                try {
                    exchange.session.execute(exchange::cancelByCaller);
                } catch (RejectedExecutionException e) {
                    // the event loops are shut down: the session's end ends the exchange
                }
            }
            return cancelledNow;
        }
    }

    @Override
    boolean copyMessage(BackendMessage message) {
        if (message instanceof CopyResponse copy) {
            copyResponse(copy);
            return true;
        }
        return false;
    }

    @Override
    void errorRead() {
        stopFeed();
    }

    private void copyResponse(CopyResponse copy) {
        if (phase != Phase.WRITTEN) {
            throw unexpected("a second COPY response");
        }
        if (copy.kind() == 'H') {
            wrongStatement("started COPY TO STDOUT (use copyOut)"); // its data and CommandComplete follow
            return;
        }
        if (copy.kind() == 'W') {
            throw CopyTexts.unexpected(session.host(), "CopyBothResponse", "to copyIn (replication is not spoken)");
        }
        phase = Phase.COPYING;
        if (cancelled) {
            end(new CopyFail(CopyTexts.CANCELLED));
            return;
        }
        feed = new CopyInFeed(this, session, data instanceof CopyInPublisher reuser ? reuser : null);
        try {
            data.subscribe(feed);
        } catch (RuntimeException e) { // a publisher that throws from subscribe (Reactive Streams §1.9 forbids it)
            feed.stop();
            publisherFailed(e);
        }
    }

    /** Event loop, from the feed: one chunk of the caller's data, copied into the write buffer now. */
    void send(ByteBuffer chunk) {
        if (phase == Phase.COPYING && chunk.hasRemaining()) {
            session.write(new CopyData(chunk));
        }
    }

    /** Event loop, from the feed: the publisher completed. */
    void dataEnded() {
        if (phase == Phase.COPYING) {
            end(CopyDone.INSTANCE);
        }
    }

    /** Event loop, from the feed: the publisher failed; CopyFail names its class only, never its message. */
    void publisherFailed(Throwable failure) {
        if (phase == Phase.COPYING) {
            error = CopyTexts.publisherFailedError(session.host(), failure);
            end(new CopyFail(CopyTexts.publisherFailed(failure)));
        }
    }

    private void end(FrontendMessage last) {
        phase = Phase.DATA_ENDED;
        session.write(last);
    }

    /** Event loop: the caller cancelled its future. */
    private void cancelByCaller() {
        if (done || cancelled) {
            return;
        }
        cancelled = true;
        switch (phase) {
            case QUEUED -> {
                if (session.withdraw(this)) { // nothing of it reached the server
                    done = true;
                    if (traced != null) {
                        traced.cancelled(null);
                    }
                }
                // else written at its turn, and failed with CopyFail at its CopyInResponse
            }
            case WRITTEN -> requestCancel(); // the statement may wait (a lock) before its CopyInResponse
            case COPYING -> {
                stopFeed();
                end(new CopyFail(CopyTexts.CANCELLED));
            }
            default -> {
                // the server answered already: its ReadyForQuery ends it
            }
        }
    }

    private void stopFeed() {
        if (feed != null) {
            feed.stop();
        }
    }

    /** Before its CopyInResponse only: once it came, a cancel is a CopyFail, and the server answers that. */
    @Override
    boolean stillRunning() {
        return phase == Phase.WRITTEN;
    }

    @Override
    public void onReady(char status) {
        done = true;
        session.releaseWrites(this);
        stopFeed();
        end(outcome());
    }

    /**
     * The session ends (a close, the connection lost). A COPY still taking data is ended with CopyFail first: on a close
     * the backend then leaves COPY-IN mode and answers ReadyForQuery before the close's Terminate, which it would
     * otherwise read as "unexpected message type 0x58 during COPY from stdin" (REVIEW-20 Y3/C2); on a lost connection
     * the write goes nowhere. No chunk of the feed is written after it. A COPY whose CopyInResponse was not read yet
     * is the close's to end: it answers that response with the same CopyFail when it comes ({@code CancelFirstClose}).
     */
    @Override
    public void fail(PgException failure) {
        done = true;
        stopFeed();
        if (phase == Phase.COPYING) {
            end(closedCopyFail());
        }
        phase = Phase.ANSWERED;
        session.releaseWrites(this);
        end(failure);
    }

    /** The CopyFail a close ends a COPY FROM STDIN with: a copyIn's own, or any whose CopyInResponse came after the close began. */
    public static CopyFail closedCopyFail() {
        return new CopyFail(CopyTexts.CLOSED);
    }

    private void end(PgException failure) {
        if (traced != null) {
            if (cancelled) {
                traced.cancelled(failure);
            } else {
                traced.ended(failure);
            }
        }
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(rows);
        }
    }
}
