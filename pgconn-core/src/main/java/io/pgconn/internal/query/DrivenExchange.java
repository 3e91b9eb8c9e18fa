package io.pgconn.internal.query;

/**
 * An exchange that a {@link StatementRun} drives: it emits its segments to the run, and the run's
 * subscriber can ask for more rows or stop it. {@link ExtendedExchange} (one statement) and
 * {@link ScriptExchange} (several under one Sync) share the run's demand, cancel and timeout logic
 * this way. Event loop only.
 */
abstract class DrivenExchange extends Exchange {

    /** Where this exchange was written; null until then. */
    QuerySession session;
    /** Cancelled or timed out: what still arrives is dropped. */
    boolean aborted;
    /** Its ReadyForQuery came, or the session failed it. */
    boolean done;
    /**
     * The server has finished this exchange's work (its last CommandComplete, or an ErrorResponse): a
     * CancelRequest now could only hit a later statement.
     */
    boolean serverDone;
    /** A CancelRequest is due once this exchange is the head of the session's FIFO. */
    boolean cancelWhenHead;
    /**
     * Set only during {@link #abortForSubscriber}: the subscriber cancelled while the result was arriving, so the
     * CancelRequest that abort sends waits for the statement's own end. Any other — a timeout's, or one due later when
     * the exchange becomes the head ({@link #becameHead}) — is sent at once (REVIEW-18 L9: it stayed set).
     */
    private boolean cancelMayWait;
    /** The CancelRequest put off by {@link #cancelMayWait}; null when none. */
    private DeferredCancel deferredCancel;

    /**
     * Cancel or timeout: stop the server's work; segments still arriving are dropped.
     *
     * @return whether the server was asked to stop (or is already done), so its ReadyForQuery
     *         follows soon; false when the work runs on to its end or waits for its turn
     */
    abstract boolean abort();

    /**
     * The subscriber cancelled: as {@link #abort()}, except that an exchange that lets it
     * ({@link #cancelMayWait(boolean)}) and whose result was already arriving ({@code resultArriving})
     * sends its CancelRequest only when the statement does not end by itself soon ({@link DeferredCancel}).
     */
    final boolean abortForSubscriber(boolean resultArriving) {
        cancelMayWait = cancelMayWait(resultArriving);
        try {
            return abort();
        } finally {
            cancelMayWait = false; // for this cancel's CancelRequest only
        }
    }

    /** Whether a subscriber's cancel may wait for the statement's own end ({@link DeferredCancel}); by default not. */
    boolean cancelMayWait(boolean resultArriving) {
        return false;
    }

    /** A row read after the abort (dropped): a deferred CancelRequest may be due. */
    final void rowReadAfterAbort() {
        if (deferredCancel != null) {
            deferredCancel.rowRead();
        }
    }

    /** The exchange ended (its ReadyForQuery, or the session's end): a deferred CancelRequest is not sent. */
    final void endDeferredCancel() {
        if (deferredCancel != null) {
            deferredCancel.ended();
        }
    }

    /** The subscriber asked for more (paging exchanges fetch the next page). */
    void onDemand() {
    }

    /** Asks the server to stop this exchange's work now when it is the head of the FIFO, else once it becomes it. */
    final boolean cancelNowOrAtHead() {
        if (!session.isHead(this)) {
            cancelWhenHead = true;
            return false;
        }
        return cancelIfAlone();
    }

    /** Sends a CancelRequest unless the server may be done with us and running a later exchange. */
    final boolean cancelIfAlone() {
        if (serverDone || !session.isLastWritten(this)) {
            return serverDone;
        }
        if (cancelMayWait) {
            deferredCancel = DeferredCancel.start(this, session);
            return true;
        }
        session.requestCancel(this::cancelUnanswered);
        return true;
    }

    /**
     * Whether a CancelRequest sent for this exchange went unanswered: the server has not finished its work, it is
     * still the head and nothing of ours was written after it — so a CancelRequest again can hit only it.
     */
    final boolean cancelUnanswered() {
        return !serverDone && !done && session.isHead(this) && session.isLastWritten(this);
    }

    /** Cancelled or timed out before it was written: the session decides at its turn whether to write it at all. */
    @Override
    public final boolean waitsToBeHead() {
        return aborted;
    }

    @Override
    public final void becameHead() {
        if (cancelWhenHead && !done) {
            cancelWhenHead = false;
            cancelIfAlone(); // set only once the exchange's work (and its Sync) was written
        } else if (aborted && !done) {
            abortedAtHead();
        }
    }

    /** Aborted while queued, it became the head with no CancelRequest due: its own work may still need one. */
    void abortedAtHead() {
    }
}
