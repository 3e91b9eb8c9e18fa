package io.pgconn.internal.session;

import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.internal.query.DeferredBegin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caller's side of a session's transactions begun with their first statement ({@link DeferredBegin}, docs/query.md
 * §5): the BEGIN placed in the FIFO in order with what the caller submitted before, the transaction's end — COMMIT or
 * ROLLBACK sent only when something needs it — and the transaction status the caller sees until the server's answer
 * says it began. Where the BEGIN goes in the FIFO, and what a refused one does to the statements behind it, is
 * {@link ExchangeFifo}'s. Safe from any thread.
 */
final class DeferredTransactions {

    private final PipelinedSession session;
    private final ExchangeFifo fifo;
    private final ServerReports reports;
    /** {@link #begin} calls whose transaction is not in the FIFO yet (their task still queued). */
    private final AtomicInteger beingPlaced = new AtomicInteger();

    DeferredTransactions(PipelinedSession session, ExchangeFifo fifo, ServerReports reports) {
        this.session = session;
        this.fifo = fifo;
        this.reports = reports;
    }

    /**
     * Any thread: the statements submitted from now on begin a transaction with the first of them, {@code beginSql}
     * ({@code readWrite}: its options say {@code READ WRITE}, {@link DeferredBegin#serverTurnedReadOnly}) riding in its Sync group ({@link DeferredBegin}, docs/query.md §5). In order with what this thread submitted
     * before: on the loop in the session's code, at once there, else in a start task counted in the gate (a caller's
     * own start of its next statement waits for it). The future completes once it is in place, with no round trip.
     */
    CompletableFuture<Void> begin(String beginSql, boolean readWrite) {
        DeferredBegin begin = new DeferredBegin(beginSql, readWrite);
        CompletableFuture<Void> placed = new CompletableFuture<>();
        beingPlaced.incrementAndGet(); // before the task: a caller that does not wait sees it (REVIEW-26 R26-7)
        if (!inOrder(() -> {
            try {
                fifo.beginWithFirstStatement(begin);
            } finally {
                beingPlaced.decrementAndGet(); // after the FIFO has it: no moment when neither says so
            }
            placed.complete(null);
        }, placed)) {
            beingPlaced.decrementAndGet(); // refused: it never will be placed (REVIEW-27 R27-2's nit: it stayed 'T')
        }
        return placed;
    }

    /**
     * Any thread: whether a transaction begun with its first statement may be open — placed and not known to have begun
     * ({@link ExchangeFifo#transaction}), or still on its way to the loop. Read in that order: the count goes down only
     * after the FIFO has the transaction.
     */
    private boolean pending() {
        return beingPlaced.get() > 0 || fifo.transaction() != null;
    }

    /**
     * Any thread: the end of the transaction begun with its first statement ({@link #begin}), in order with what was
     * submitted before — {@code sql} ({@code COMMIT}, {@code ROLLBACK}) sent unless nothing needs it. No statement joined
     * the transaction: nothing was sent, nothing is (a BEGIN and COMMIT would change nothing, as pgjdbc's commit of an
     * untouched transaction sends nothing); its BEGIN failed: nothing is sent, a commit fails with the BEGIN's error (it
     * committed nothing), a rollback completes. Completes with the answer, or null when nothing was sent. Without such a
     * transaction, {@code sql} as a simple query.
     */
    CompletableFuture<QueryResult> end(String sql, boolean commit) {
        if (!pending()) {
            return session.simpleQuery(sql); // the usual case: no loop task more than any statement
        }
        SimpleQuery query;
        try {
            query = SimpleQuery.of(sql, session.host(), session.statementTrace()); // on the caller's thread: a tracer reads its context
        } catch (PgException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<QueryResult> answer = new CompletableFuture<>();
        inOrder(() -> {
            DeferredBegin begin = fifo.transaction();
            if (begin == null || (commit && begin.joined() && !begin.failed())) {
                // begun (or none): sent as usual; a commit still belongs to the transaction, so it waits for the BEGIN's
                // outcome and is refused with its error when it failed (rolled back when it began: ExchangeFifo)
                if (begin != null) {
                    begin.endedBy(query);
                }
                session.submit(query);
                fifo.endTransaction();
                query.result.whenComplete((result, failure) -> complete(answer, result, failure));
                return;
            }
            fifo.endTransaction();
            if (begin.begunButRefused()) {
                // open on the server, refused by the client (DeferredBegin.serverTurnedReadOnly): rolled back either way
                SimpleQuery rollback = commit ? new SimpleQuery("ROLLBACK", session.host()) : query;
                PgException refused = commit ? begin.refusal(session) : null;
                if (commit) {
                    query.notSent(refused);
                }
                session.submit(rollback);
                rollback.result.whenComplete((result, failure) -> {
                    if (commit) {
                        answer.completeExceptionally(refused); // rolled back, or the session ended: nothing committed
                    } else {
                        complete(answer, result, failure);
                    }
                });
                return;
            }
            if (commit && begin.failed()) {
                PgException refused = begin.refusal(session);
                query.notSent(refused);
                answer.completeExceptionally(refused);
            } else if (!begin.joined() || begin.failed()) {
                query.notSent(null);
                answer.complete(null);
            } else {
                session.submit(query); // a rollback belongs to no transaction: written once the BEGIN's outcome is known, harmless
                query.result.whenComplete((result, failure) -> complete(answer, result, failure));
            }
        }, answer);
        return answer;
    }

    private static <T> void complete(CompletableFuture<T> answer, T result, Throwable failure) {
        if (failure == null) {
            answer.complete(result);
        } else {
            answer.completeExceptionally(failure);
        }
    }

    /**
     * Runs {@code task} in order with what this thread submitted: on the loop in the session's code at once (as a submit
     * there is), else in a start task counted in the gate; a loop that refuses it (shut down) fails {@code outcome} as a
     * request submitted after the session's end is failed: why, and that nothing of it was sent ({@link
     * CloseCause#loopShutDownError}; it was the bare closed error).
     *
     * @return false when the loop refused it
     */
    private boolean inOrder(Runnable task, CompletableFuture<?> outcome) {
        if (session.eventLoop().inEventLoop()) {
            session.inSession(task);
            return true;
        }
        try {
            session.executeStart(task);
            return true;
        } catch (RejectedExecutionException e) { // the event loops are shut down, the session with them
            outcome.completeExceptionally(LostExchanges.submittedAfterTheEnd(session.whyEnded().loopShutDownError()));
            return false;
        }
    }

    /**
     * Any thread: the transaction status as the connection's caller sees it — the last ReadyForQuery's, except while a
     * transaction begun with its first statement is not known to have begun: open ({@code T}) from its {@link #begin}
     * on, failed ({@code E}) when its BEGIN failed (only a rollback ends it then).
     */
    char seenByCaller() {
        if (beingPlaced.get() > 0) {
            return 'T'; // on its way to the loop: open from the call on
        }
        // the FIFO's transaction before the server's status: the loop writes them the other way round (the carrier's
        // ReadyForQuery status, then the BEGIN settled), so a transaction seen gone means its 'T' is seen too (REVIEW-27 R27-2)
        DeferredBegin begin = fifo.transaction();
        char serverStatus = reports.transactionStatus();
        return begin == null ? serverStatus : begin.failed() ? 'E' : 'T';
    }

    /**
     * Event loop: {@code serverStatus} as the caller sees it with the transactions placed so far ({@link #seenByCaller};
     * {@link InFlightEnd} at its turn, before any placed after it).
     */
    char placed(char serverStatus) {
        DeferredBegin begin = fifo.transaction();
        return begin == null ? serverStatus : begin.failed() ? 'E' : 'T';
    }
}
