package io.pgconn.internal.query;

import io.pgconn.EventLoops;
import io.pgconn.PgClosedException;
import io.pgconn.query.Segment;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * How a statement's run ({@link StatementRun}) begins: its subscriber subscribed and the statement queued at once (rows
 * wait for demand), one of three ways (docs/query.md §1). On the event loop (a statement started from another's
 * callback) it is queued inline, in call order. A blocked caller's common statement is made and sent on the caller's
 * thread while it owns the idle session ({@link QuerySession#startOnCaller}). Anything else goes to the loop as one
 * task, which carries the demand requested inside {@code onSubscribe} instead of a task of its own.
 */
final class StatementStart {

    /** The first exchange of one statement: its first attempt (a retry after a stale statement is the run's). */
    private static final Function<StatementRun, DrivenExchange> FIRST_ATTEMPT = run -> new ExtendedExchange(run, run.plan(), 0);

    private StatementStart() {
    }

    /** Starts one statement of the extended protocol for {@code subscriber}. */
    static void start(QuerySession session, Flow.Subscriber<? super Segment> subscriber, StatementPlan plan) {
        start(session, subscriber, plan, FIRST_ATTEMPT, null);
    }

    /**
     * Like {@link #start(QuerySession, Flow.Subscriber, StatementPlan)} with another first exchange
     * ({@code plan} gives the timeout and what error messages say); {@code script}: the statements of a
     * script, whose errors come in order, or null for one statement.
     */
    static void start(QuerySession session, Flow.Subscriber<? super Segment> subscriber, StatementPlan plan,
                      Function<StatementRun, DrivenExchange> first, List<String> script) {
        StatementTrace trace = session.statementTrace();
        // on the caller's thread: a tracer reads the caller's context
        TracedStatement traced = trace == null ? null : script == null ? trace.extended(plan, subscriber) : trace.script(script, subscriber);
        StatementRun run = StatementRun.of(session, subscriber, plan, first, script != null, traced);
        if (session.eventLoop().inEventLoop()) {
            subscriber.onSubscribe(run);
            run.submitFirst();
            return;
        }
        run.subscribeOnCaller();
        boolean startedOnCaller;
        try {
            startedOnCaller = mayStartOnCaller(run, plan, first, traced, script) && session.startOnCaller(run::firstExchange);
        } catch (RuntimeException | Error e) {
            // the owner's section failed before its request was in the FIFO (no direct memory for its buffer, ...):
            // the statement fails, query() and subscribe() do not throw (REVIEW-18-START L4)
            run.failedToStart(e);
            return;
        }
        if (startedOnCaller) {
            return; // made and sent on this thread (docs/query.md §1)
        }
        try {
            session.executeStart(run::submitFirst);
        } catch (RejectedExecutionException e) { // the factory's event loops are shut down
            run.failedToStart(new PgClosedException(session.host(), "connection to " + session.host()
                    + " closed: its event loop is shut down"));
        }
    }

    /**
     * Whether {@code run} may be started on the caller's thread ({@link QuerySession#startOnCaller}): the common blocked
     * caller's statement — demand asked in {@code onSubscribe} (a collector), one statement of the extended protocol
     * whose parameters are encoded already, no tracer, no timeout (its timer is the loop's), no paging (its later
     * demand), not a possible COPY, and this thread no event loop. Everything else keeps the loop's way.
     */
    private static boolean mayStartOnCaller(StatementRun run, StatementPlan plan, Function<StatementRun, DrivenExchange> first,
                                            TracedStatement traced, List<String> script) {
        return traced == null && script == null && first == FIRST_ATTEMPT && run.demandAskedOnSubscribe()
                && !plan.hasTimeout() && !plan.paged() && plan.encoded() && !CopyRefusal.mayCopy(plan.sql())
                && !EventLoops.inAnyEventLoop(); // another connection's loop: its own work waits meanwhile
    }
}
