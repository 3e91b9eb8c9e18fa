package io.pgconn.internal.copy;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CopyData;
import io.pgconn.internal.protocol.backend.CopyDone;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.frontend.CopyFail;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.StatementTrace;
import io.pgconn.internal.query.TracedStatement;
import io.pgconn.query.CopyOutSubscriber;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@code COPY ... TO STDOUT} run by {@code PgConnection.copyOut}, and the subscription of its one subscriber: each
 * CopyData the server sends (a row, in the text and CSV formats) goes to {@code onNext} as a {@link ByteBuffer} of its
 * own, as demand allows. Chunks arriving without demand are held and the socket is not read meanwhile (auto-read off),
 * so the server blocks on a full socket and the heap holds at most what one read brought. Cancelling the subscription
 * drops what is held, reads on, and asks the server to stop with a CancelRequest while the COPY is still running (only
 * then: nothing of ours is written behind it, it holds the writes); the rest is read past and the connection stays
 * usable. Completes at ReadyForQuery after the held chunks were delivered; a server error is signalled after them too
 * (they are rows the server sent). A statement that is not a COPY TO STDOUT fails with an error saying what the server
 * started (a COPY FROM STDIN is answered with CopyFail). Event loop only, except {@link #request} and {@link #cancel}.
 */
public final class CopyOutExchange extends CopyExchange implements Flow.Subscription {

    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private long demand;
    private boolean paused;
    /** A cancel was asked for (any thread): delivery stops at once; the loop's task does the rest. */
    private volatile boolean cancelRequested;
    private boolean cancelled;
    /** onComplete/onError was signalled (or the subscriber cancelled): nothing more goes downstream. */
    private boolean signalled;
    /** The outcome, once known ({@code done}: ReadyForQuery or the session's end came); null: completed. */
    private PgException ending;

    private CopyOutExchange(QuerySession session, String sql, Query query, Flow.Subscriber<? super ByteBuffer> downstream,
                            TracedStatement traced) {
        super(session, Direction.OUT, sql, query, traced);
        this.downstream = downstream;
    }

    /** A cold publisher: each subscription runs {@code sql} (one COPY ... TO STDOUT) once. */
    public static Flow.Publisher<ByteBuffer> publisher(QuerySession session, String sql) {
        return subscriber -> start(session, sql, subscriber);
    }

    /**
     * Any thread: subscribes {@code subscriber} and queues {@code sql}; a {@link CopyOutSubscriber} hears the COPY's row
     * count before {@code onComplete}. A text of several statements or with a NUL is refused on {@code onError}.
     */
    private static void start(QuerySession session, String sql, Flow.Subscriber<? super ByteBuffer> subscriber) {
        java.util.Objects.requireNonNull(subscriber, "subscriber");
        CopyOutExchange exchange;
        try {
            Query query = new Query(CopyTexts.checked(session, sql, "copyOut"));
            StatementTrace trace = session.statementTrace();
            exchange = new CopyOutExchange(session, sql, query, subscriber, trace == null ? null : trace.simple(sql));
        } catch (RuntimeException e) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(e);
            return;
        }
        subscriber.onSubscribe(exchange);
        session.submit(exchange);
    }

    // ---- the subscription (any thread)

    @Override
    public void request(long n) {
        if (cancelRequested) {
            return;
        }
        try {
            session.execute(() -> demanded(n));
        } catch (RejectedExecutionException e) {
            // the event loops are shut down: the session's end fails the exchange
        }
    }

    @Override
    public void cancel() {
        if (cancelRequested) {
            return;
        }
        cancelRequested = true;
        try {
            session.execute(this::cancelled);
        } catch (RejectedExecutionException e) {
            // as above
        }
    }

    private void demanded(long n) {
        if (signalled) {
            return;
        }
        if (n <= 0) {
            cancelled();
            try {
                downstream.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)"));
            } catch (RuntimeException e) {
                // §2.13: nothing more goes to it
            }
            return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        deliverHeld();
        if (held.isEmpty() && paused) {
            paused = false;
            session.resumeReading(this);
        }
    }

    private void cancelled() {
        if (signalled) {
            return;
        }
        signalled = true;
        cancelled = true;
        held.clear();
        resumeReading();
        if (done) {
            return;
        }
        switch (phase) {
            case QUEUED -> {
                if (session.withdraw(this)) {
                    done = true;
                    traceEnd(null);
                }
            }
            case WRITTEN, COPYING -> requestCancel();
            default -> {
                // the server is done; its ReadyForQuery ends the exchange
            }
        }
    }

    private void resumeReading() {
        if (paused) {
            paused = false;
            session.resumeReading(this);
        }
    }

    private void deliverHeld() {
        ByteBuffer next;
        while (demand > 0 && !cancelRequested && (next = held.poll()) != null) {
            demand--;
            if (!delivered(next)) {
                return;
            }
        }
        if (held.isEmpty() && done && !signalled && !cancelRequested) {
            signalEnd();
        }
    }

    // ---- the exchange (event loop)

    @Override
    boolean copyMessage(BackendMessage message) {
        if (message instanceof CopyData data && phase == Phase.COPYING) {
            chunk(data.bytes());
        } else if (message instanceof CopyResponse copy && phase == Phase.WRITTEN) {
            copyResponse(copy);
        } else if (message instanceof CopyDone && phase == Phase.COPYING) {
            phase = Phase.DATA_ENDED;
        } else {
            return false;
        }
        return true;
    }

    private void copyResponse(CopyResponse copy) {
        if (copy.kind() == 'G') {
            wrongStatement("started COPY FROM STDIN (use copyIn)");
            session.write(new CopyFail(CopyTexts.NOT_COPY_OUT)); // nothing of ours is behind it: it holds the writes
            return;
        }
        if (copy.kind() == 'W') {
            throw CopyTexts.unexpected(session.host(), "CopyBothResponse", "to copyOut (replication is not spoken)");
        }
        phase = Phase.COPYING;
        if (cancelled) {
            requestCancel();
        }
    }

    private void chunk(byte[] bytes) {
        if (cancelled || cancelRequested) {
            return; // read past
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes);
        if (demand > 0 && held.isEmpty()) {
            demand--;
            delivered(chunk);
            return;
        }
        held.add(chunk);
        if (!paused) {
            paused = true;
            session.pauseReading(this); // the server blocks on a full socket until there is demand
        }
    }

    /** Until the server ended its data (CopyDone) or answered (its error). */
    @Override
    boolean stillRunning() {
        return phase == Phase.WRITTEN || phase == Phase.COPYING;
    }

    @Override
    public void onReady(char status) {
        PgException failure = outcome();
        session.releaseWrites(this);
        ended(failure, false);
    }

    @Override
    public void fail(PgException failure) {
        if (phase != Phase.QUEUED) {
            session.releaseWrites(this);
        }
        ended(failure, true);
    }

    /** The outcome is known; the held chunks go first unless the session ended ({@code dropHeld}: they are dropped). */
    private void ended(PgException failure, boolean dropHeld) {
        done = true;
        ending = failure;
        resumeReading(); // the next exchange's answers must be read; what is held is in memory already
        traceEnd(failure);
        if (dropHeld) {
            held.clear();
        }
        if (!signalled && !cancelRequested) {
            deliverHeld();
        }
    }

    private void traceEnd(PgException failure) {
        if (traced != null) {
            if (cancelled || cancelRequested) {
                traced.cancelled(failure);
            } else {
                traced.ended(failure);
            }
        }
    }

    /**
     * Hands {@code chunk} to the subscriber; one that throws is treated as cancelled (Reactive Streams §2.13, as a
     * statement's subscriber is): the server is asked to stop, the rest is read past, the session goes on (REVIEW-20 Y1).
     */
    private boolean delivered(ByteBuffer chunk) {
        try {
            downstream.onNext(chunk);
            return true;
        } catch (RuntimeException e) {
            cancelled();
            return false;
        }
    }

    private void signalEnd() {
        signalled = true;
        try {
            if (ending != null) {
                downstream.onError(ending);
                return;
            }
            if (downstream instanceof CopyOutSubscriber counting) {
                counting.onRowCount(rows);
            }
            downstream.onComplete();
        } catch (RuntimeException e) {
            // a subscriber that throws from its end (§2.13): nothing more goes to it, and the session goes on
        }
    }
}
