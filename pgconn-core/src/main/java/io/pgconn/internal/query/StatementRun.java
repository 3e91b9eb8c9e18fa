package io.pgconn.internal.query;

import io.pgconn.FatalErrors;
import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.query.CommandResult;
import io.pgconn.query.Segment;

import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * One subscription to a statement's results: its exchanges (the first, a retry after a stale statement),
 * the demand and cancel that hop onto the event loop, its timeout ({@link StatementDeadline}), how its end is
 * told (a timeout's error for a server's cancel) and the tracer's view of it. What goes downstream — demand,
 * held segments, the end signalled once — is its superclass, {@link DownstreamSignals}. Segments arriving
 * without demand wait in {@link HeldSegments}, which pauses the socket's reads meanwhile (under a fetch size the
 * exchange asks for the next page only when there is demand instead). State is confined to the event loop;
 * request/cancel hop onto it — except a blocked caller's start, made on the caller's thread while it owns the idle
 * session ({@link QuerySession#startOnCaller}, docs/query.md §1): the loop's request/cancel tasks wait for it.
 */
class StatementRun extends DownstreamSignals implements Flow.Subscription {

    private final StatementPlan plan;
    private boolean cancelled;
    private boolean emittedAny;
    /** The timeout and the grace after asking the server to stop; made only when there is either. */
    private StatementDeadline deadline;
    private DrivenExchange current;
    /** Makes the first exchange (the statement's, or a script's); retries after a stale statement are ExtendedExchanges. */
    private final Function<StatementRun, DrivenExchange> first;
    /**
     * A server error is signalled after the segments held before it (a script: the statements before
     * the failing one keep their results); otherwise an error drops what is held and fails at once.
     */
    private final boolean errorInOrder;
    /** The thread inside {@code start}'s onSubscribe (not the event loop), and the demand it requested there. */
    private Thread starter;
    private long earlyDemand;

    StatementRun(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
                 Function<StatementRun, DrivenExchange> first, boolean errorInOrder) {
        super(session, downstream);
        this.plan = plan;
        this.first = first;
        this.errorInOrder = errorInOrder;
    }

    /** A run for {@code downstream}; one a tracer follows when {@code traced} is not null. Begun by {@link StatementStart}. */
    static StatementRun of(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
                           Function<StatementRun, DrivenExchange> first, boolean errorInOrder, TracedStatement traced) {
        return traced == null ? new StatementRun(session, downstream, plan, first, errorInOrder)
                : new TracedStatementRun(session, downstream, plan, first, errorInOrder, traced);
    }

    /** The plan a run executes (its first exchange is made from it). */
    StatementPlan plan() {
        return plan;
    }

    /**
     * Its subscriber's {@code onSubscribe}, on a caller's thread (not the event loop): demand requested there is kept
     * for the start ({@link #submitFirst}, {@link #firstExchange}) instead of a loop task of its own.
     */
    void subscribeOnCaller() {
        starter = Thread.currentThread();
        try {
            downstream().onSubscribe(this);
        } finally {
            starter = null;
        }
    }

    /** Whether demand was requested inside {@code onSubscribe} on the caller's thread, and the run not cancelled. */
    boolean demandAskedOnSubscribe() {
        return earlyDemand > 0 && !signalled();
    }

    /**
     * Its start threw before its request was in the FIFO (on the caller's thread), or the loop refused it (shut down):
     * the subscriber hears it as an error.
     */
    void failedToStart(Throwable e) {
        if (firstSignal()) {
            PgException error = e instanceof PgException pg ? pg
                    : new PgProtocolException(session.host(), "cannot start a statement on " + session.host() + ": " + e, e);
            traceEnd(error);
            downstream().onError(error);
        }
        if (e instanceof VirtualMachineError fatal) {
            FatalErrors.handToTheThread(fatal); // heard by the subscriber first (unless it left), then by the thread's handler
        }
    }

    /** Queues the first exchange, on the loop in the session's code, with the demand requested inside {@code onSubscribe}. */
    void submitFirst() {
        if (earlyDemand > 0) {
            long n = earlyDemand;
            earlyDemand = 0;
            onRequest(n);
        }
        if (signalled()) {
            return; // cancelled before it was sent: nothing to do on the server
        }
        if (plan.hasTimeout()) {
            deadline().start();
        }
        current = first.apply(this);
        session.submit(current);
    }

    /**
     * {@link #submitFirst} without the submit, on the caller's thread that owns the session: the exchange to send, or
     * null when the subscriber cancelled before it was made.
     */
    DrivenExchange firstExchange() {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        long n = earlyDemand;
        earlyDemand = 0;
        onRequest(n);
        if (signalled()) {
            return null;
        }
        current = first.apply(this);
        return current;
    }

    /** Runs the plan again after a stale cached statement (the first attempt changed nothing). */
    void retry(ExtendedExchange failed) {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        current = new ExtendedExchange(this, plan, failed.attempt() + 1);
        session.submit(current);
    }

    @Override
    public void request(long n) {
        if (session.eventLoop().inEventLoop()) {
            if (session.mayTouchState()) {
                onRequest(n); // in the session's code (a statement chained on a completion): what inSession runs at once
            } else {
                session.inSession(() -> onRequest(n));
            }
        } else if (n > 0 && starter == Thread.currentThread()) {
            earlyDemand = earlyDemand + n < 0 ? Long.MAX_VALUE : earlyDemand + n; // applied by submitFirst
        } else {
            session.execute(() -> onRequest(n));
        }
    }

    @Override
    public void cancel() {
        if (session.eventLoop().inEventLoop()) {
            session.inSession(this::onCancel);
        } else {
            session.execute(this::onCancel);
        }
    }

    private void onRequest(long n) {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (signalled()) {
            return;
        }
        if (n <= 0) { // Reactive Streams §3.9
            onCancel();
            downstream().onError(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)"));
            return;
        }
        addDemand(n);
        if (current != null && !signalled()) {
            current.onDemand();
        }
    }

    @Override
    final void onCancel() {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (!firstSignal()) {
            return;
        }
        cancelled = true;
        dropHeld();
        stopTimer();
        if (current == null || session.withdraw(current)) {
            traceEnd(null); // nothing of it runs on the server
            return;
        }
        if (abortAskingTheServer()) {
            deadline().watchSilenceAfterCancel();
        }
    }

    /**
     * Aborts the current exchange; true when the server's answer must follow soon: the exchange was
     * the head of the session's FIFO (nothing ahead of it could keep the server busy: a Sync or a
     * CancelRequest is answered at once by a live server; a head whose own work may keep it busy — a
     * statement running, or still described with its Parse waiting for a lock — sends a CancelRequest), or its
     * abort sent a CancelRequest. An
     * exchange queued behind another that the server is busy with, aborted without a CancelRequest, is
     * answered only when the statement ahead ends: the server's silence says nothing then.
     */
    boolean abortAskingTheServer() {
        boolean head = session.isHead(current);
        long cancelsBefore = session.cancelRequestsSent();
        // rows already came: the statement has usually finished, a CancelRequest waits for its end (DeferredCancel)
        return current.abortForSubscriber(emittedAny) && (head || session.cancelRequestsSent() != cancelsBefore);
    }

    private StatementDeadline deadline() {
        if (deadline == null) {
            deadline = new StatementDeadline(this, session, plan);
        }
        return deadline;
    }

    boolean timedOut() {
        return deadline != null && deadline.timedOut();
    }

    /** The exchange running now (the first, or a retry); null before it was submitted. */
    DrivenExchange current() {
        return current;
    }

    /** The stream ended, or the subscriber is gone: a timeout has nothing left to do. */
    boolean over() {
        return signalled() || terminal();
    }

    boolean emittedAny() {
        return emittedAny;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** A segment from the exchange, in protocol order. */
    void emit(Segment segment) {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        emittedAny = true;
        TracedStatement traced = traced();
        if (traced != null && segment instanceof CommandResult result) {
            traced.completed(result);
        }
        offer(segment);
    }

    void complete() {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (timedOut()) {
            error(deadline.timeoutError(null)); // rows after the timeout were dropped: never a short success
            return;
        }
        traceEnd(null);
        endCompleted();
    }

    /**
     * Fails the stream at once: rows held for missing demand are dropped, the error is not held back;
     * in a script ({@code errorInOrder}) a server's error follows the segments held before it — not the session's
     * end ({@link PgClosedException}, also a server error the session's loss followed: {@code PgFailedThenClosedException}):
     * a reader that asks for nothing would never learn of it, so it drops them too.
     */
    void error(Throwable error) {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (timedOut() && error instanceof PgServerException server && !(error instanceof PgStatementTimeoutException)
                && "57014".equals(server.serverFields().code())) {
            error = deadline.timeoutError(server);
        }
        traceEnd(error);
        endFailed(error, !errorInOrder || timedOut() || cancelled || error instanceof PgClosedException);
    }

    /** The statement's end for the tracer: the first of its answer, failure, timeout or a cancel that took it back unsent. */
    private void traceEnd(Throwable error) {
        TracedStatement traced = traced();
        if (traced != null) {
            traced.ended(error, cancelled, timedOut());
        }
    }

    /** The tracer's view of this statement (docs/query.md §8); null for a run no tracer follows. */
    TracedStatement traced() {
        return null;
    }

    @Override
    final boolean pausesReadingWhileHolding() {
        return !plan.paged();
    }

    @Override
    final void endSignalled() {
        stopTimer();
    }

    private void stopTimer() {
        if (deadline != null) {
            deadline.stop();
        }
    }
}
