package io.pgconn.internal.query;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber's cancel of a statement whose result was already arriving ({@code Mono.from} after the first
 * row, {@code take(n)}, Spring's {@code first()}): such a statement has usually finished — its last rows,
 * CommandComplete and ReadyForQuery are in the socket or on their way — and a CancelRequest (a new TCP
 * connection, a forked process on PostgreSQL 17 and older, later requests held back until the server took it)
 * costs far more than reading them (NEW-USER-13 F9: 408 statements/s against 31,579). So the rest is read and
 * dropped, and a CancelRequest is sent only when the statement has not finished {@link #DELAY_NANOS} after the
 * cancel, or once {@link #DELAY_BYTES} more came from the server without its end (a large result still
 * streaming): a long statement is still stopped on the server (docs/query.md §5). Meanwhile exchanges submitted
 * later wait unwritten, as behind a CancelRequest in flight, so that one sent late cannot land on them. Not for
 * timeouts, a script's cancel, a paged stream or a possible COPY: those keep their rules. Event loop only.
 */
final class DeferredCancel {

    /** How long a statement whose result was arriving gets to finish by itself before the CancelRequest. */
    static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How many more bytes from the server without the statement's end make the CancelRequest due at once. */
    static final long DELAY_BYTES = 128 * 1024;

    private final DrivenExchange exchange;
    private final QuerySession session;
    /** The session's {@code readProgress()} at the cancel. */
    private final long progressAtCancel;
    private final ScheduledFuture<?> timer;
    private boolean settled;

    private DeferredCancel(DrivenExchange exchange, QuerySession session) {
        this.exchange = exchange;
        this.session = session;
        this.progressAtCancel = session.readProgress();
        session.holdForCancel();
        this.timer = session.schedule(this::due, DELAY_NANOS);
    }

    /** Defers the CancelRequest of {@code exchange}, the last exchange written and the one the server runs. */
    static DeferredCancel start(DrivenExchange exchange, QuerySession session) {
        return new DeferredCancel(exchange, session);
    }

    /** A row of the aborted statement was read (and dropped): due at once past {@link #DELAY_BYTES}. */
    void rowRead() {
        if (!settled && session.readProgress() - progressAtCancel > DELAY_BYTES) {
            due();
        }
    }

    /** The statement did not end in time: the CancelRequest, unless the server finished it meanwhile. */
    private void due() {
        if (settled) {
            return;
        }
        settled = true;
        timer.cancel(false);
        if (!exchange.serverDone && !exchange.done && session.isLastWritten(exchange)) {
            session.requestCancel(exchange::cancelUnanswered); // holds the later exchanges itself before the hold below ends
        }
        session.releaseCancelHold();
    }

    /** The exchange ended (its ReadyForQuery, or the session's end): no CancelRequest. */
    void ended() {
        if (settled) {
            return;
        }
        settled = true;
        timer.cancel(false);
        session.releaseCancelHold();
    }
}
