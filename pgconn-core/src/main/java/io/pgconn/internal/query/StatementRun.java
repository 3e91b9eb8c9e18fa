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
 * One subscription to a statement's results: carries demand from the subscriber to the exchange
 * and segments back. Segments arriving without demand wait in {@link HeldSegments}, which pauses the
 * socket's reads meanwhile (under a fetch size the exchange asks for the next page only when there is
 * demand instead). State is confined to the event loop; request/cancel hop onto it — except a blocked caller's
 * start, made on the caller's thread while it owns the idle session ({@link QuerySession#startOnCaller},
 * docs/query.md §1): the loop's request/cancel tasks wait for it.
 */
class StatementRun implements Flow.Subscription {

    private final QuerySession session;
    private final Flow.Subscriber<? super Segment> downstream;
    private final StatementPlan plan;
    /** Segments waiting for demand; made on first need (most runs never hold any). */
    private HeldSegments held;
    private long demand;
    private boolean draining;
    private boolean terminal;
    private Throwable terminalError;
    /** onComplete/onError was signalled, or the subscriber cancelled: nothing more goes downstream. */
    private boolean signalled;
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

    private StatementRun(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
                         Function<StatementRun, DrivenExchange> first, boolean errorInOrder) {
        this.session = session;
        this.downstream = downstream;
        this.plan = plan;
        this.first = first;
        this.errorInOrder = errorInOrder;
    }

    /** A run for {@code downstream}; one a tracer follows when {@code traced} is not null. Begun by {@link StatementStart}. */
    static StatementRun of(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
                           Function<StatementRun, DrivenExchange> first, boolean errorInOrder, TracedStatement traced) {
        return traced == null ? new StatementRun(session, downstream, plan, first, errorInOrder)
                : new Traced(session, downstream, plan, first, errorInOrder, traced);
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
            downstream.onSubscribe(this);
        } finally {
            starter = null;
        }
    }

    /** Whether demand was requested inside {@code onSubscribe} on the caller's thread, and the run not cancelled. */
    boolean demandAskedOnSubscribe() {
        return earlyDemand > 0 && !signalled;
    }

    /**
     * Its start threw before its request was in the FIFO (on the caller's thread), or the loop refused it (shut down):
     * the subscriber hears it as an error.
     */
    void failedToStart(Throwable e) {
        if (!signalled) {
            signalled = true;
            PgException error = e instanceof PgException pg ? pg
                    : new PgProtocolException(session.host(), "cannot start a statement on " + session.host() + ": " + e, e);
            traceEnd(error);
            downstream.onError(error);
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
        if (signalled) {
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
        if (signalled) {
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
            session.inSession(() -> onRequest(n));
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
        if (signalled) {
            return;
        }
        if (n <= 0) { // Reactive Streams §3.9
            onCancel();
            downstream.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)"));
            return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        drain();
        if (current != null && !signalled) {
            current.onDemand();
        }
    }

    private void onCancel() {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (signalled) {
            return;
        }
        signalled = true;
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
     * CancelRequest is answered at once by a live server), or its abort sent a CancelRequest. An
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
        return signalled || terminal;
    }

    /** The stream has its end (complete or error), signalled or still behind held segments. */
    boolean terminal() {
        return terminal;
    }

    /** Drops the segments held for missing demand and resumes reading (a timeout, a cancel, an error not held back). */
    void dropHeld() {
        if (held != null) {
            held.drop();
        }
    }

    /** Whether the exchange should fetch more rows (paging): the subscriber has unmet demand. */
    boolean wantsMore() {
        return !signalled && noneHeld() && demand > 0;
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
        if (signalled) {
            return;
        }
        if (demand > 0 && noneHeld()) {
            demand--;
            deliver(segment);
            return;
        }
        if (held == null) {
            held = new HeldSegments(session, !plan.paged());
        }
        held.hold(segment);
    }

    void complete() {
        assert session.mayTouchState() : "a statement's run touched outside the session's doors";
        if (timedOut()) {
            error(deadline.timeoutError(null)); // rows after the timeout were dropped: never a short success
            return;
        }
        traceEnd(null);
        terminal = true;
        drain();
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
        terminal = true;
        terminalError = error;
        if (!errorInOrder || timedOut() || cancelled || error instanceof PgClosedException) {
            dropHeld();
        }
        drain();
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

    /**
     * A run a tracer follows. A subclass, not a field of every run: a connection without a tracer makes its
     * runs no larger than before (a reference more would add 8 bytes to each with the object alignment).
     */
    private static final class Traced extends StatementRun {
        private final TracedStatement traced;

        Traced(QuerySession session, Flow.Subscriber<? super Segment> downstream, StatementPlan plan,
               Function<StatementRun, DrivenExchange> first, boolean errorInOrder, TracedStatement traced) {
            super(session, downstream, plan, first, errorInOrder);
            this.traced = traced;
        }

        @Override
        TracedStatement traced() {
            return traced;
        }
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!signalled && demand > 0 && !noneHeld()) {
                demand--;
                deliver(held.next());
            }
            if (noneHeld()) {
                resumeReading();
                if (terminal && !signalled) {
                    signalled = true;
                    stopTimer();
                    try {
                        if (terminalError == null) {
                            downstream.onComplete();
                        } else {
                            downstream.onError(terminalError);
                        }
                    } catch (RuntimeException ignored) {
                        // Reactive Streams §2.13: a subscriber's failure must not break the connection
                    }
                }
            }
        } finally {
            draining = false;
        }
    }

    private boolean noneHeld() {
        return held == null || held.isEmpty();
    }

    private void deliver(Segment segment) {
        try {
            downstream.onNext(segment);
        } catch (RuntimeException e) {
            // Reactive Streams §2.13: a throwing subscriber is treated as cancelled
            onCancel();
        }
    }

    private void resumeReading() {
        if (held != null) {
            held.resumeReading();
        }
    }

    private void stopTimer() {
        if (deadline != null) {
            deadline.stop();
        }
    }
}
