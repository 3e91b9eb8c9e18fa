package io.pgconn.internal.query;

import io.pgconn.PgClosedException;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.ServerErrorFields;
import io.pgconn.query.Segment;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One subscription to a statement's results: carries demand from the subscriber to the exchange
 * and segments back. Segments arriving without demand are held here and the socket reads pause
 * (the server then blocks on its full send buffer), so what is held is bounded by one read, not by
 * the result's size. Under a fetch size the exchange asks for the next page only when there is
 * demand instead. State is confined to the event loop; request/cancel hop onto it.
 */
final class StatementRun implements Flow.Subscription {

    /**
     * How long after its timeout a statement whose server was asked to stop may take to answer
     * before the caller is failed anyway: a CancelRequest can be lost (the cancel connection or its
     * TLS refused, a pooler or load balancer sending it to another node), and then the statement
     * would run to its end. The exchange keeps draining in the background either way.
     */
    static final long CANCEL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The fields of a timeout the server did not answer with its own 57014. */
    private static final ServerErrorFields TIMEOUT_FIELDS = new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "57014"));

    private final QuerySession session;
    private final Flow.Subscriber<? super Segment> downstream;
    private final StatementPlan plan;
    /** Segments waiting for demand; made on first need (most runs never hold any). */
    private ArrayDeque<Segment> held;
    private long demand;
    private boolean paused;
    private boolean draining;
    private boolean terminal;
    private Throwable terminalError;
    /** onComplete/onError was signalled, or the subscriber cancelled: nothing more goes downstream. */
    private boolean signalled;
    private boolean cancelled;
    private boolean emittedAny;
    private boolean timedOut;
    private ScheduledFuture<?> timeoutTask;
    /** The session's {@code readProgress()} when the server was asked to stop: a silent server reads the same after the grace. */
    private long readsAtCancel;
    /** The timeout's abort asked the server for an answer that must come soon ({@link #abortAskingTheServer}): only then does silence mean it stopped answering. */
    private boolean silenceMeansStopped;
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

    /** The plan a run executes (its first exchange is made from it). */
    StatementPlan plan() {
        return plan;
    }

    /**
     * Subscribes {@code subscriber} and queues the statement at once (rows wait for demand). On the
     * event loop (a statement started from another's callback) it is queued inline, in call order;
     * from another thread, demand requested inside {@code onSubscribe} travels with the one task that
     * queues the statement instead of a task of its own.
     */
    static void start(QuerySession session, Flow.Subscriber<? super Segment> subscriber, StatementPlan plan) {
        start(session, subscriber, plan, FIRST_ATTEMPT, false);
    }

    private static final Function<StatementRun, DrivenExchange> FIRST_ATTEMPT = run -> new ExtendedExchange(run, run.plan, 0);

    /**
     * Like {@link #start(QuerySession, Flow.Subscriber, StatementPlan)} with another first exchange
     * ({@code plan} gives the timeout and what error messages say).
     */
    static void start(QuerySession session, Flow.Subscriber<? super Segment> subscriber, StatementPlan plan,
                      Function<StatementRun, DrivenExchange> first, boolean errorInOrder) {
        StatementRun run = new StatementRun(session, subscriber, plan, first, errorInOrder);
        if (session.eventLoop().inEventLoop()) {
            subscriber.onSubscribe(run);
            run.submitFirst();
            return;
        }
        run.starter = Thread.currentThread();
        try {
            subscriber.onSubscribe(run);
        } finally {
            run.starter = null;
        }
        try {
            session.eventLoop().execute(run::submitFirst);
        } catch (RejectedExecutionException e) { // the factory's event loops are shut down
            run.signalled = true;
            subscriber.onError(new PgClosedException(session.host(), "connection to " + session.host()
                    + " closed: its event loop is shut down"));
        }
    }

    private void submitFirst() {
        if (earlyDemand > 0) {
            long n = earlyDemand;
            earlyDemand = 0;
            onRequest(n);
        }
        if (signalled) {
            return; // cancelled before it was sent: nothing to do on the server
        }
        if (plan.hasTimeout()) {
            timeoutTask = session.eventLoop().schedule(this::onTimeout, plan.timeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        current = first.apply(this);
        session.submit(current);
    }

    /** Runs the plan again after a stale cached statement (the first attempt changed nothing). */
    void retry(ExtendedExchange failed) {
        current = new ExtendedExchange(this, plan, failed.attempt() + 1);
        session.submit(current);
    }

    @Override
    public void request(long n) {
        if (session.eventLoop().inEventLoop()) {
            onRequest(n);
        } else if (n > 0 && starter == Thread.currentThread()) {
            earlyDemand = earlyDemand + n < 0 ? Long.MAX_VALUE : earlyDemand + n; // applied by submitFirst
        } else {
            session.eventLoop().execute(() -> onRequest(n));
        }
    }

    @Override
    public void cancel() {
        if (session.eventLoop().inEventLoop()) {
            onCancel();
        } else {
            session.eventLoop().execute(this::onCancel);
        }
    }

    private void onRequest(long n) {
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
        if (signalled) {
            return;
        }
        signalled = true;
        cancelled = true;
        held = null;
        resume();
        stopTimer();
        if (current == null || session.withdraw(current)) {
            return;
        }
        if (abortAskingTheServer()) {
            watchSilenceAfterCancel();
        }
    }

    /**
     * Aborts the current exchange; true when the server's answer must follow soon: the exchange was
     * the head of the session's FIFO (nothing ahead of it could keep the server busy: a Sync or a
     * CancelRequest is answered at once by a live server), or its abort sent a CancelRequest. An
     * exchange queued behind another that the server is busy with, aborted with a Sync alone, is
     * answered only when the statement ahead ends: the server's silence says nothing then.
     */
    private boolean abortAskingTheServer() {
        boolean head = session.isHead(current);
        long cancelsBefore = session.cancelRequestsSent();
        return current.abort() && (head || session.cancelRequestsSent() != cancelsBefore);
    }

    /**
     * The server was asked to stop for a subscriber that is gone ({@link #abortAskingTheServer}): if it sends nothing at all within
     * {@link #CANCEL_GRACE_NANOS}, it stopped answering (frozen, hung, cut off), and the next
     * statement on this connection — a pool hands it out again — would queue behind this one for as
     * long; the connection is closed instead, as after a timeout ({@link #onCancelGraceOver}).
     */
    private void watchSilenceAfterCancel() {
        long progress = session.readProgress();
        session.eventLoop().schedule(() -> {
            if (!terminal) {
                closeIfSilentSince(progress, CANCEL_GRACE_NANOS, "closed: the server sent nothing for "
                        + StatementPlan.humanReadable(java.time.Duration.ofNanos(CANCEL_GRACE_NANOS))
                        + " after a cancel request (the server stopped answering)");
            }
        }, CANCEL_GRACE_NANOS, TimeUnit.NANOSECONDS);
    }

    /**
     * A grace after the server was asked to stop: closes the connection when not one byte came from
     * the server since {@code progress} (a large row arriving slowly is bytes, not silence). While
     * the socket is not read (a run whose subscriber has no demand paused reading: the server's
     * answer waits unread in the socket), silence cannot be told: judged again one grace later.
     */
    private void closeIfSilentSince(long progress, long graceNanos, String reason) {
        if (session.readProgress() != progress || current == null || current.done) {
            return;
        }
        if (session.readingPaused()) {
            session.eventLoop().schedule(() -> closeIfSilentSince(progress, graceNanos, reason), graceNanos, TimeUnit.NANOSECONDS);
            return;
        }
        session.closeUnanswered(reason);
    }

    /**
     * The timeout passed: rows held for missing demand are dropped and reading resumes (a backend
     * blocked writing to us would not even see the cancel), the server is asked to stop, and the
     * stream fails with {@link PgStatementTimeoutException} — once the server answered when it was
     * asked to stop (or after {@link #CANCEL_GRACE_NANOS}, at least the timeout again, if it does not
     * answer), at once when it was not (the statement was still queued, or a cancel could have hit
     * a later statement). It never completes normally after this.
     */
    private void onTimeout() {
        timeoutTask = null;
        if (signalled || terminal) {
            return;
        }
        timedOut = true;
        held = null;
        resume();
        if (current == null) {
            return;
        }
        if (session.withdraw(current)) {
            error(timeoutError(null));
            return;
        }
        boolean head = session.isHead(current);
        long cancelsBefore = session.cancelRequestsSent();
        if (!current.abort()) {
            error(timeoutError(null));
        } else {
            // asked to stop: its 57014 (or ReadyForQuery) normally follows soon, but the cancel may never land
            silenceMeansStopped = head || session.cancelRequestsSent() != cancelsBefore;
            readsAtCancel = session.readProgress();
            timeoutTask = session.eventLoop().schedule(this::onCancelGraceOver,
                    Math.max(CANCEL_GRACE_NANOS, plan.timeout().toNanos()), TimeUnit.NANOSECONDS);
        }
    }

    /** The server did not answer the cancel in time: the caller's wait ends; the exchange drains on. */
    private void onCancelGraceOver() {
        timeoutTask = null;
        if (!signalled && !terminal) {
            error(timeoutError(null));
            if (silenceMeansStopped) {
                // not one byte since the cancel: a frozen or cut-off server (it still ACKs, so TCP
                // says nothing). Whatever queues behind this statement would wait as long; the
                // connection is closed so that a pool drops it (Npgsql breaks the connection when a
                // cancel does not complete in time, pgjdbc's socketTimeout closes it)
                long grace = Math.max(CANCEL_GRACE_NANOS, plan.timeout().toNanos());
                closeIfSilentSince(readsAtCancel, grace, "closed: the server sent nothing for "
                        + StatementPlan.humanReadable(java.time.Duration.ofNanos(grace))
                        + " after a statement's timeout of " + StatementPlan.humanReadable(plan.timeout())
                        + " and its cancel request (the server stopped answering)");
            }
        }
    }

    boolean timedOut() {
        return timedOut;
    }

    private PgStatementTimeoutException timeoutError(PgServerException server) {
        if (server != null) {
            return new PgStatementTimeoutException(server.host(), "statement on " + server.host() + " cancelled after its timeout of "
                    + StatementPlan.humanReadable(plan.timeout()) + " (" + plan.describe() + ")", server.serverFields(), server);
        }
        // no 57014 from the server (queued, paged portal closed, cancel lost the race or not sent):
        // the SQLSTATE is still 57014 (query_canceled), so callers can tell a timeout by its code
        return new PgStatementTimeoutException(session.host(), "statement on " + session.host() + " ran past its timeout of "
                + StatementPlan.humanReadable(plan.timeout()) + "; its remaining rows were dropped (" + plan.describe() + ")", TIMEOUT_FIELDS, null);
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
        emittedAny = true;
        if (signalled) {
            return;
        }
        if (demand > 0 && noneHeld()) {
            demand--;
            deliver(segment);
            return;
        }
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.add(segment);
        if (!paused && !plan.paged()) {
            paused = true;
            session.pauseReading(this);
        }
    }

    void complete() {
        if (timedOut) {
            error(timeoutError(null)); // rows after the timeout were dropped: never a short success
            return;
        }
        terminal = true;
        drain();
    }

    /**
     * Fails the stream at once: rows held for missing demand are dropped, the error is not held back;
     * in a script ({@code errorInOrder}) a server's error follows the segments held before it.
     */
    void error(Throwable error) {
        if (timedOut && error instanceof PgServerException server && !(error instanceof PgStatementTimeoutException)
                && "57014".equals(server.serverFields().code())) {
            error = timeoutError(server);
        }
        terminal = true;
        terminalError = error;
        if (!errorInOrder || timedOut || cancelled) {
            held = null;
        }
        drain();
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!signalled && demand > 0 && !noneHeld()) {
                demand--;
                deliver(held.poll());
            }
            if (noneHeld()) {
                resume();
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

    private void resume() {
        if (paused) {
            paused = false;
            session.resumeReading(this);
        }
    }

    private void stopTimer() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }
}
