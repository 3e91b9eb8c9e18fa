package io.pgconn.internal.query;

/**
 * An exchange that a {@link StatementRun} drives: it emits its segments to the run, and the run's
 * subscriber can ask for more rows or stop it. {@link ExtendedExchange} (one statement) and
 * {@link ScriptExchange} (several under one Sync) share the run's demand, cancel and timeout logic
 * this way. Event loop only.
 */
abstract class DrivenExchange extends Exchange {

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
}
