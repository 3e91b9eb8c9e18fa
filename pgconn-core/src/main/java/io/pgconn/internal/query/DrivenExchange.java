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
     * Cancel or timeout: stop the server's work; segments still arriving are dropped.
     *
     * @return whether the server was asked to stop (or is already done), so its ReadyForQuery
     *         follows soon; false when the work runs on to its end or waits for its turn
     */
    abstract boolean abort();

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
        session.requestCancel();
        return true;
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
        }
    }
}
