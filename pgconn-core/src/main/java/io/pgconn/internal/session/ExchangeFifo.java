package io.pgconn.internal.session;

import io.pgconn.FatalErrors;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.query.DeferredBegin;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The session's exchanges in submission order, which is the order they are written and answered
 * in, and the ones held back unwritten: behind an exchange that holds the writes (describing,
 * paging, a timeout, a possible COPY), while a CancelRequest is in flight ({@link CancelHold}; one
 * that leaves unwritten at its turn leaves even then: it writes nothing), and
 * behind an exchange that waits for its turn as the head to learn whether a transaction is open (a
 * statement cancelled while queued; the type lookup, {@link TypeOidRefresh}), and beyond the
 * {@code pipeliningLimit}: while that many exchanges are written and not yet answered, the next one is
 * written at an earlier one's ReadyForQuery ({@link #answered}; 0 = no limit). Event loop only.
 */
final class ExchangeFifo {

    private final PipelinedSession session;
    private final CancelHold cancels;
    /** Every exchange submitted and not yet answered by its ReadyForQuery, in write order. */
    private final ArrayDeque<Exchange> inFlight = new ArrayDeque<>();
    /** Exchanges waiting to be written while {@link #writeHolder} holds the writes (or a cancel is in flight). */
    private final ArrayDeque<Exchange> unwritten = new ArrayDeque<>();
    private Exchange writeHolder;
    /**
     * The transaction begun with its first statement that exchanges added now belong to ({@link DeferredBegin}),
     * from {@code beginWithFirstStatement} to its commit or rollback, or until its BEGIN succeeded; else null. Written
     * on the event loop; volatile for the status a caller sees ({@link PipelinedSession#transactionStatusSeenByCaller}).
     */
    private volatile DeferredBegin transaction;
    /**
     * The exchange that wrote a transaction's BEGIN, until its ReadyForQuery: everything behind it waits unwritten
     * until then, when the BEGIN's outcome is known ({@link #settleBegin}).
     */
    private Exchange beginUnanswered;
    /** The session's own {@code BEGIN READ WRITE}s on a read-write session, and the transactions of them refused. */
    private final OwnReadWriteBegins ownBegins;
    /** The exchange whose messages were written last (a cancel is safe only while it is the head). */
    private Exchange lastWritten;
    /**
     * The {@code pipeliningLimit} setting: exchanges written and not yet answered at most; {@link Integer#MAX_VALUE}
     * for its 0, no limit (a pooler in transaction mode needs 1: ConnConfig.pipeliningLimit).
     */
    private final int pipeliningLimit;

    ExchangeFifo(PipelinedSession session, CancelHold cancels, int pipeliningLimit) {
        this.session = session;
        this.cancels = cancels;
        this.pipeliningLimit = pipeliningLimit == 0 ? Integer.MAX_VALUE : pipeliningLimit;
        this.ownBegins = new OwnReadWriteBegins(session);
    }

    /** Appends {@code exchange}: written now unless something before it holds the writes. */
    void add(Exchange exchange) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        PgException refusal;
        if ((refusal = ownBegins.refusal(exchange, transaction != null)) != null) {
            inFlight.add(exchange); // refused as write() refuses a failed transaction's statement: in, then out
            refuse(exchange, refusal);
            return;
        }
        DeferredBegin begin = transaction;
        if (begin != null && exchange.runsAStatement()) {
            if (!begin.claimed() && !begin.failed()) {
                if (exchange.canCarryBegin()) {
                    begin.carriedBy(exchange, true);
                } else {
                    // a simple Query cannot follow a failed BEGIN in one Sync group (the server would skip it and wait
                    // for a Sync): a BEGIN of its own goes first, and the exchange waits for its answer as any would
                    SimpleQuery own = new SimpleQuery(begin.sql(), session.host());
                    begin.join(own);
                    begin.carriedBy(own, false);
                    addInOrder(own);
                }
            }
            begin.join(exchange);
        }
        addInOrder(exchange);
    }

    private void addInOrder(Exchange exchange) {
        boolean atTheLimit = writtenUnanswered() >= pipeliningLimit;
        inFlight.add(exchange);
        // behind what still waits, too: a callback run inside writeUnwritten must not overtake it
        if (writeHolder != null || beginUnanswered != null || cancels.holding() || !unwritten.isEmpty() || atTheLimit) {
            unwritten.add(exchange);
        } else {
            write(exchange);
        }
        if (inFlight.peek() == exchange) {
            exchange.becameHead();
        }
    }

    /**
     * Appends {@code exchange}, which {@link Exchange#waitsToBeHead() waits to be the head} (the type lookup):
     * unwritten, and what is added after it too, until everything before it is answered; decided now when
     * nothing is.
     */
    void addWaitingForItsTurn(Exchange exchange) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        inFlight.add(exchange);
        unwritten.add(exchange);
        if (inFlight.peek() == exchange) {
            writeUnwritten();
        }
    }

    private void write(Exchange exchange) {
        DeferredBegin begin = exchange.transaction();
        if (begin != null && begin.failed()) {
            if (begin.begunButRefused() && begin.isEnd(exchange)) {
                rollbackInPlaceOf(exchange, begin.refusal(session)); // its COMMIT, sent before the BEGIN's answer
                return;
            }
            refuse(exchange, begin.refusal(session)); // its transaction never began, or may not go on: nothing of it runs
            return;
        }
        FrontendMessage message;
        try {
            message = exchange.messagesToWrite(session);
        } catch (Throwable e) {
            // an Error too (a LinkageError from a codec or a class that would not load): left in the FIFO
            // unwritten, the exchange would never be answered and the next answer would end the session
            if (begin != null && begin.carrier(exchange)) {
                beginAlone(exchange, begin); // the BEGIN it was to carry must not leave with it (REVIEW-26 R26-4)
            }
            unwritable(exchange, e);
            return;
        }
        session.write(message);
        exchange.writtenAt(session.statementCache().mark(), session.writeBatch());
        lastWritten = exchange;
        if (exchange.holdsWrites()) {
            writeHolder = exchange;
        }
        if (begin != null ? begin.carrier(exchange) : ownBegins.opensOne(exchange)) {
            beginUnanswered = exchange;
        }
    }

    /**
     * {@code carrier} could not be written: a BEGIN of its own takes its place in the FIFO and is written now, so the
     * transaction still begins before anything behind it (written once its answer came, or refused when it failed) —
     * else the statements behind would run outside any transaction while the caller is told one is open.
     */
    private void beginAlone(Exchange carrier, DeferredBegin begin) {
        SimpleQuery own = new SimpleQuery(begin.sql(), session.host());
        begin.join(own);
        begin.carriedBy(own, false);
        ArrayDeque<Exchange> order = new ArrayDeque<>(inFlight.size() + 1);
        for (Exchange e : inFlight) {
            if (e == carrier) {
                order.add(own);
            }
            order.add(e);
        }
        inFlight.clear();
        inFlight.addAll(order);
        write(own);
    }

    /**
     * {@code commit} ends a transaction that began on the server but may not be committed ({@link
     * DeferredBegin#serverTurnedReadOnly}): a ROLLBACK takes its place in the FIFO and is written now, so that the
     * session does not stay in that transaction; the commit itself is never written and fails with {@code refusal} once
     * the ROLLBACK is answered (or the session ended under it), as a commit made after the BEGIN's answer does
     * ({@code DeferredTransactions.end}): the caller then sees the session idle, and a release that rolls back a status
     * not idle sends no second ROLLBACK (REVIEW-33 R33-3: it failed first, the session still {@code IN_TRANSACTION}).
     */
    private void rollbackInPlaceOf(Exchange commit, PgException refusal) {
        SimpleQuery rollback = new SimpleQuery("ROLLBACK", session.host());
        ArrayDeque<Exchange> order = new ArrayDeque<>(inFlight.size());
        for (Exchange e : inFlight) {
            order.add(e == commit ? rollback : e);
        }
        inFlight.clear();
        inFlight.addAll(order);
        rollback.result.whenComplete((result, failure) -> commit.fail(refusal)); // as answeredOwnBegin's refusal
        write(rollback);
    }

    /**
     * {@code exchange} belongs to a transaction whose BEGIN failed: it leaves unwritten and fails with {@code error}, in
     * a later task (as {@link #unwritable}); what is behind it goes on.
     */
    private void refuse(Exchange exchange, PgException error) {
        try {
            session.execute(() -> exchange.fail(error));
        } catch (Throwable again) {
            failClosed(again);
            return;
        }
        inFlight.remove(exchange);
        if (inFlight.isEmpty()) {
            session.quietWhenIdle();
        }
    }

    /**
     * From now on, until {@link #endTransaction}, what is added belongs to {@code begin}'s transaction, whose BEGIN
     * rides with its first statement ({@link DeferredBegin}); nothing when one is open already.
     */
    void beginWithFirstStatement(DeferredBegin begin) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        if (transaction == null) {
            transaction = begin;
        }
    }

    /** The transaction begun with its first statement that is not known to have begun yet, else null. Any thread. */
    DeferredBegin transaction() {
        return transaction;
    }

    /** Its commit or rollback: what is added from now on belongs to no such transaction. */
    void endTransaction() {
        transaction = null;
    }

    /** The carrier's ReadyForQuery: the BEGIN's outcome is known, and what waited behind it is written or refused. */
    private void settleBegin(Exchange carrier, char transactionStatus) {
        beginUnanswered = null;
        DeferredBegin begin = carrier.transaction();
        if (session.serverReports().serverReadOnly()) {
            begin.serverTurnedReadOnly(session.host()); // reported by now: a BEGIN READ WRITE may not go on (r2dbc.md §4)
        }
        if (begin.settle(carrier, transactionStatus, session.host()) && transaction == begin) {
            transaction = null; // begun: what comes next is written as inside any transaction
        }
    }

    /**
     * The ReadyForQuery of {@code begin}, an own {@code BEGIN READ WRITE} ({@link OwnReadWriteBegins#opensOne}) with
     * nothing behind it written yet. When its transaction is refused ({@link OwnReadWriteBegins#refused}) a ROLLBACK
     * goes first, ahead of what waited behind it, what was the transaction's is taken out, and {@code begin} and it fail
     * (unsent) once the ROLLBACK is answered (the caller then sees the session idle); what follows runs after the ROLLBACK,
     * outside any transaction, under the server's read-only default: a write fails there with the server's 25006.
     *
     * @return whether {@code begin} was refused: it completes with the ROLLBACK, not now
     */
    private boolean answeredOwnBegin(Exchange begin, char statusBefore, char transactionStatus) {
        beginUnanswered = null;
        // all in flight is behind begin, unwritten (beginUnanswered held it)
        RefusedOwnBegin refused = ownBegins.refused(begin, statusBefore, transactionStatus, unwritten.iterator());
        if (refused == null) {
            return false;
        }
        if (writeHolder == begin) {
            writeHolder = null; // answered: nothing of it is written any more, and the ROLLBACK must not wait for it
        }
        SimpleQuery rollback = new SimpleQuery("ROLLBACK", session.host());
        inFlight.addFirst(rollback);
        unwritten.addFirst(rollback);
        for (Exchange held : refused.taken()) {
            inFlight.remove(held); // failed with the begin, once the ROLLBACK is answered (REVIEW-34 R34-2)
        }
        refused.rolledBackBy(rollback); // written by writeUnwritten (answered)
        return true;
    }

    /**
     * {@code exchange}'s messages could not be built: it alone fails, in a later task (the user's callbacks must not
     * run, and submit, in the middle of writeUnwritten), and the exchanges behind it are written as usual. When even
     * that cannot be done (an OutOfMemoryError again, allocating the error or the task) the connection fails closed
     * ({@link #failClosed}) rather than keep an exchange nobody will fail, or the ones behind it, unwritten for good.
     */
    private void unwritable(Exchange exchange, Throwable e) {
        try {
            String host = session.host();
            PgException error = e instanceof PgException pg ? pg : new PgProtocolException(host, "cannot write a request to " + host + ": " + e, e);
            session.execute(() -> exchange.fail(error));
        } catch (Throwable again) {
            failClosed(again);
            return;
        }
        inFlight.remove(exchange);
        if (e instanceof VirtualMachineError fatal) {
            // failed first, then to the loop thread's handler (FatalErrors; thrown on, Netty's catching or a
            // caller's future would keep it: FatalErrors.handToTheThread)
            FatalErrors.handToTheThread(fatal);
        }
    }

    /**
     * Ends the connection with {@code cause}: nothing more is written (what was held back stays in {@link #inFlight}),
     * and the channel's end fails every exchange still in flight ({@link #failAll}). After an error on the way out of a
     * failed write, the one way left that leaves no caller waiting for good.
     */
    private void failClosed(Throwable cause) {
        unwritten.clear();
        writeHolder = null;
        beginUnanswered = null;
        session.failClosed(cause);
    }

    /** {@code holder} wrote its Sync: the exchanges behind it may be written. */
    void releaseWrites(Exchange holder) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        if (writeHolder != holder) {
            return;
        }
        writeHolder = null;
        writeUnwritten();
    }

    /**
     * Writes what was held back, as far as nothing holds it any more. An exchange that leaves unwritten at its turn
     * as the head ({@link Exchange#leavesUnwritten}: the end of what is in flight, a withdrawn statement, the type
     * lookup inside a transaction) leaves even while a CancelRequest holds the writes: it writes nothing, so nothing
     * of it can reach the backend before the cancel signal; what follows it waits for the cancel as before. So the
     * status after a cancelled statement is known at once, not only when the cancel connection ended (or
     * {@link CancelHold#MAX_MILLIS} later).
     */
    void writeUnwritten() {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        boolean headLeft = false;
        while (writeHolder == null && beginUnanswered == null && !unwritten.isEmpty()) {
            Exchange next = unwritten.peek();
            if (next.waitsToBeHead()) {
                if (inFlight.peek() != next) {
                    break; // decided after the ReadyForQuery before it (answered() comes back here)
                }
                // a statement that carries a BEGIN is written, even withdrawn: the transaction begins, and fails
                if (!next.carriesBegin() && next.leavesUnwritten(session.transactionStatus())) {
                    // a withdrawn statement with no transaction to fail (nothing of it reaches the server, no
                    // rejected statement in its log), or the type lookup with one open
                    unwritten.poll();
                    inFlight.poll();
                    if (!next.waitsForTransactionEnd() || !queueBehindATransactionEnd(next)) {
                        if (inFlight.isEmpty()) {
                            session.quietWhenIdle(); // idle before its completion, as in answered()
                        }
                        next.leftUnwritten();
                    }
                    headLeft = true;
                    continue;
                }
            }
            if (cancels.holding()) {
                break; // written once the CancelRequest ended (CancelHold's released)
            }
            if (writtenUnanswered() >= pipeliningLimit) {
                break; // written at an earlier one's ReadyForQuery (answered() comes back here)
            }
            write(unwritten.poll());
        }
        Exchange head;
        if (headLeft && (head = inFlight.peek()) != null) {
            head.becameHead();
        }
    }

    /**
     * Puts {@code waiting}, which just left the head unwritten, back behind the first held-back exchange that may
     * end the open transaction; false when none does. Everything before {@code waiting} was answered, so what is
     * in flight now is exactly what it held back.
     */
    private boolean queueBehindATransactionEnd(Exchange waiting) {
        if (inFlight.size() != unwritten.size()) {
            return false; // not so (nothing else lets an exchange after a written one be the head): leave it out
        }
        int end = 0;
        for (Exchange held : unwritten) {
            end++;
            if (held.mayEndTransaction()) {
                List<Exchange> order = new ArrayList<>(unwritten);
                order.add(end, waiting);
                unwritten.clear();
                unwritten.addAll(order);
                inFlight.clear();
                inFlight.addAll(order);
                return true;
            }
        }
        return false;
    }

    /**
     * The exchange the server's answers are for now: the head, once written (held back, e.g. while
     * a cancel is in flight, nothing of the server's is for it yet); null when there is none.
     */
    Exchange answering() {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        Exchange current = inFlight.peek();
        return current != null && current.written() ? current : null;
    }

    /** The head's ReadyForQuery came: it leaves, and the next one becomes the head. */
    void answered(Exchange head, char transactionStatus) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        inFlight.poll();
        boolean beginAnswered = head == beginUnanswered;
        boolean refused = false;
        char statusBefore = ownBegins.headAnswered(transactionStatus);
        if (beginAnswered) {
            if (head.transaction() != null) {
                settleBegin(head, transactionStatus); // before its completion: the status its caller sees is known
            } else {
                refused = answeredOwnBegin(head, statusBefore, transactionStatus);
            }
        }
        if (inFlight.isEmpty()) {
            // idle before the completion: onReady writes nothing more once the FIFO is empty (what it submits counts
            // itself in again), and a caller it wakes may close at once on its own thread (SessionGate)
            session.quietWhenIdle();
        }
        if (!refused) {
            head.onReady(transactionStatus);
        }
        if (beginAnswered) {
            writeUnwritten(); // what waited for the BEGIN's outcome: written, or refused when it failed
        }
        Exchange next = inFlight.peek();
        if (next != null) {
            next.becameHead();
            if (!next.written() && next.waitsToBeHead()) {
                writeUnwritten(); // the transaction status it waited for is known now
            }
        }
        if (pipeliningLimit != Integer.MAX_VALUE && !unwritten.isEmpty() && writtenUnanswered() < pipeliningLimit) {
            writeUnwritten(); // below the pipeliningLimit again
        }
        cancels.answered(); // a CancelRequest waiting to be sent again for the head is not needed any more
    }

    /** How many exchanges were submitted before {@code exchange} and are not answered yet. */
    int ahead(Exchange exchange) {
        int n = 0;
        for (Exchange e : inFlight) {
            if (e == exchange) {
                return n;
            }
            n++;
        }
        return n;
    }

    /**
     * Whether {@code exchange} was answered and left the FIFO, and fails once the ROLLBACK written for it is answered (a
     * refused own {@code BEGIN READ WRITE}: {@link OwnReadWriteBegins#awaitsItsRollback}).
     */
    boolean awaitsItsRollback(Exchange exchange) {
        return ownBegins.awaitsItsRollback(exchange);
    }

    boolean isHead(Exchange exchange) {
        return inFlight.peek() == exchange;
    }

    boolean isLastWritten(Exchange exchange) {
        return lastWritten == exchange;
    }

    /**
     * Asked from {@code onReady}, after {@link #answered} has polled the exchange: so the FIFO is
     * empty when nothing came after it ({@code peekLast() == exchange} only covers a call before the poll).
     */
    boolean nothingSubmittedAfter(Exchange exchange) {
        return inFlight.isEmpty() || inFlight.peekLast() == exchange;
    }

    /**
     * Takes back the head while it waits unwritten and no transaction is open: behind a pipelined
     * BEGIN (or inside a transaction) leaving it out would let a later COMMIT commit without it.
     * Otherwise it waits unwritten for its turn as the head (Exchange.waitsToBeHead,
     * writeUnwritten), and leaves then, or is written as a statement the server rejects inside a
     * transaction (ExtendedExchange).
     */
    boolean withdraw(Exchange exchange) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        if (inFlight.peek() == exchange && session.transactionStatus() == 'I' && !exchange.carriesBegin()
                && unwritten.remove(exchange)) {
            inFlight.remove(exchange);
            return true;
        }
        return false;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /**
     * ReadyForQuery messages the server owes for what was written: one per written exchange, except one that holds its
     * Sync back ({@link #lastWrittenHoldsItsSync}). For a close ({@link CancelFirstClose}).
     */
    int readiesOwed() {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        return writtenUnanswered() - (lastWrittenHoldsItsSync() ? 1 : 0);
    }

    /**
     * Whether the last exchange written holds the writes with its Sync not written yet (paging, a timeout, a possible
     * COPY in the extended protocol: {@link Exchange#syncPending}); a simple Query holding them (a COPY through
     * copyIn/copyOut) has its ReadyForQuery owed all the same (REVIEW-20 Y3).
     */
    boolean lastWrittenHoldsItsSync() {
        return writeHolder != null && writeHolder.syncPending();
    }

    /**
     * Whether the last exchange written holds its Sync back after a Bind phase that may have started a COPY FROM STDIN
     * ({@link Exchange#mayCopyInBeforeItsSync}): a close writes CopyFail and Sync for it at once (REVIEW-22 R22-5).
     */
    boolean lastWrittenMayCopyInUnsynced() {
        return writeHolder != null && writeHolder.mayCopyInBeforeItsSync();
    }

    /** Exchanges written and not yet answered: how deep the pipeline on the wire is. */
    int writtenUnanswered() {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        return inFlight.size() - unwritten.size();
    }

    /**
     * The channel ended: nothing more is written, and every exchange hears {@code error} as {@link LostExchanges}
     * tells it — whether its statement was sent, and may have taken effect.
     */
    void failAll(java.util.function.Supplier<PgException> error) {
        assert session.mayTouchState() : "the session's state touched outside its doors";
        unwritten.clear();
        writeHolder = null;
        beginUnanswered = null;
        if (inFlight.isEmpty()) {
            return; // the error (and its stack trace) only when someone will see it
        }
        PgException failure = error.get();
        Exchange[] lost = inFlight.toArray(new Exchange[0]);
        PgException[] told = LostExchanges.tell(failure, lost, session.transactionStatus(), this::mayHaveLeft);
        for (PgException one : told) {
            if (one instanceof io.pgconn.PgOutcomeUnknownException unknown) {
                session.whyEnded().leftUnknown(unknown); // before anyone hears the end: a later in-flight wait has it too
            }
        }
        inFlight.clear();
        for (int i = 0; i < lost.length; i++) {
            try {
                lost[i].fail(told[i]);
            } catch (RuntimeException ignored) {
                // one exchange's subscriber must not keep the others from hearing about the close
            }
        }
        Exchange late;
        PgException notSent = null;
        while ((late = inFlight.poll()) != null) { // added meanwhile (none should be: the channel is inactive)
            if (notSent == null) {
                notSent = LostExchanges.submittedAfterTheEnd(failure);
            }
            try {
                late.fail(notSent);
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }

    /** Whether any byte of write buffer {@code batch} may have reached the socket ({@link SessionWrites#mayHaveLeft}). */
    private boolean mayHaveLeft(long batch) {
        SessionWrites writes = session.writes();
        return writes != null && writes.mayHaveLeft(batch);
    }
}
