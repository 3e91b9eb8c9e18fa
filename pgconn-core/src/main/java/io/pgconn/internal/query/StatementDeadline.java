package io.pgconn.internal.query;

import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.ServerErrorFields;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * A {@link StatementRun}'s clock: the statement's timeout, and the grace a server gets to answer once
 * it was asked to stop (after the timeout, or after the subscriber cancelled) before the connection
 * is closed as one that stopped answering ({@code cancelGrace}, {@link QuerySession#cancelGraceNanos()}:
 * a CancelRequest can be lost — the cancel connection or its TLS refused, a pooler or load balancer
 * sending it to another node — and then the statement would run to its end; the exchange keeps
 * draining in the background either way). Made only for a run with a timeout or a cancel. Event
 * loop only.
 */
final class StatementDeadline {

    /** The fields of a timeout the server did not answer with its own 57014. */
    private static final ServerErrorFields TIMEOUT_FIELDS = new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "57014"));

    private final StatementRun run;
    private final QuerySession session;
    private final StatementPlan plan;
    private boolean timedOut;
    private ScheduledFuture<?> timeoutTask;
    /** The session's {@code readProgress()} when the server was asked to stop: a silent server reads the same after the grace. */
    private long readsAtCancel;
    /** The timeout's abort asked the server for an answer that must come soon: only then does silence mean it stopped answering. */
    private boolean silenceMeansStopped;

    StatementDeadline(StatementRun run, QuerySession session, StatementPlan plan) {
        this.run = run;
        this.session = session;
        this.plan = plan;
    }

    /** Starts the statement's timeout: at its submission, so time spent queued behind other requests counts. */
    void start() {
        timeoutTask = session.schedule(this::onTimeout, plan.timeout().toNanos());
    }

    /** The run ended: no timeout, no grace. */
    void stop() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }

    boolean timedOut() {
        return timedOut;
    }

    /**
     * The server was asked to stop for a subscriber that is gone ({@link StatementRun#abortAskingTheServer}):
     * if it sends nothing at all within the cancel grace, it stopped answering (frozen,
     * hung, cut off), and the next statement on this connection — a pool hands it out again — would
     * queue behind this one for as long; the connection is closed instead, as after a timeout
     * ({@link #onCancelGraceOver}).
     */
    void watchSilenceAfterCancel() {
        long progress = session.readProgress();
        long grace = session.cancelGraceNanos();
        session.schedule(() -> {
            if (!run.terminal()) {
                closeIfSilentSince(progress, grace, "closed: the server sent nothing for "
                        + StatementPlan.humanReadable(Duration.ofNanos(grace))
                        + " after a cancel request (the server stopped answering)");
            }
        }, grace);
    }

    /**
     * A grace after the server was asked to stop: closes the connection when not one byte came from
     * the server since {@code progress} (a large row arriving slowly is bytes, not silence). While
     * the socket is not read (a run whose subscriber has no demand paused reading: the server's
     * answer waits unread in the socket), silence cannot be told: judged again one grace later.
     */
    private void closeIfSilentSince(long progress, long graceNanos, String reason) {
        DrivenExchange current = run.current();
        if (session.readProgress() != progress || current == null || current.done) {
            return;
        }
        if (session.readingPaused()) {
            session.schedule(() -> closeIfSilentSince(progress, graceNanos, reason), graceNanos);
            return;
        }
        session.closeUnanswered(reason);
    }

    /**
     * The timeout (counted from the statement's submission) passed. A statement still queued — behind
     * earlier requests, or not yet written — fails at once with {@link PgStatementTimeoutException}
     * saying so: it is not run (never written, or only its Parse/Describe were), or, when its execution
     * was already written (pipelined), its results are skipped and it is cancelled when it starts where
     * that is safe. A running one (the head of the FIFO): rows held for missing demand are dropped and
     * reading resumes (a backend blocked writing to us would not even see the cancel), the server is
     * asked to stop, and the stream fails once the server answered (or after
     * {@link #graceAfterTimeout()} if it does not answer), at once when it
     * was not asked (a cancel could have hit a later statement). It never completes normally after this.
     */
    private void onTimeout() {
        timeoutTask = null;
        if (run.over()) {
            return;
        }
        DrivenExchange answered = run.current();
        if (answered != null && session.awaitsItsRollback(answered)) {
            return; // its work on the server is done: it fails with its refusal once the ROLLBACK is answered (REVIEW-33b R33b-3)
        }
        timedOut = true;
        run.dropHeld();
        DrivenExchange current = run.current();
        if (current == null) {
            return;
        }
        int ahead = session.exchangesAhead(current);
        if (session.withdraw(current)) {
            run.error(queuedTimeoutError(ahead, false));
            return;
        }
        if (ahead > 0 || !current.written()) {
            // still queued: the statements ahead keep the server busy, so neither a CancelRequest
            // (it would hit one of them) nor waiting for the server can help — it fails now. Not
            // written: it never will be; written (pipelined): its results are skipped, and it is
            // cancelled when it starts where that is safe (DrivenExchange#cancelWhenHead)
            boolean mayRun = current.executionWritten();
            current.abort();
            run.error(queuedTimeoutError(ahead, mayRun));
            return;
        }
        boolean head = session.isHead(current);
        long cancelsBefore = session.cancelRequestsSent();
        if (!current.abort()) {
            run.error(timeoutError(null));
        } else {
            // asked to stop: its 57014 (or ReadyForQuery) normally follows soon, but the cancel may never land
            silenceMeansStopped = head || session.cancelRequestsSent() != cancelsBefore;
            readsAtCancel = session.readProgress();
            timeoutTask = session.schedule(this::onCancelGraceOver, graceAfterTimeout());
        }
    }

    /** How long a server asked to stop after the timeout may take to answer: the cancel grace, at least the timeout again. */
    private long graceAfterTimeout() {
        return Math.max(session.cancelGraceNanos(), plan.timeout().toNanos());
    }

    /** The server did not answer the cancel in time: the caller's wait ends; the exchange drains on. */
    private void onCancelGraceOver() {
        timeoutTask = null;
        if (!run.over()) {
            run.error(timeoutError(null));
            if (silenceMeansStopped) {
                // not one byte since the cancel: a frozen or cut-off server (it still ACKs, so TCP
                // says nothing). Whatever queues behind this statement would wait as long; the
                // connection is closed so that a pool drops it (Npgsql breaks the connection when a
                // cancel does not complete in time, pgjdbc's socketTimeout closes it)
                long grace = graceAfterTimeout();
                closeIfSilentSince(readsAtCancel, grace, "closed: the server sent nothing for "
                        + StatementPlan.humanReadable(Duration.ofNanos(grace))
                        + " after a statement's timeout of " + StatementPlan.humanReadable(plan.timeout())
                        + " and its cancel request (the server stopped answering)");
            }
        }
    }

    /**
     * The error of a statement whose timeout passed while it was still queued behind {@code ahead}
     * earlier requests (0: at the head, not yet written, e.g. behind a cancel in flight); {@code mayRun}:
     * its execution had already been written (pipelined), so the server may still start it.
     */
    private PgStatementTimeoutException queuedTimeoutError(int ahead, boolean mayRun) {
        String where = ahead == 0 ? "before it was sent" : "while queued behind " + ahead + " earlier statement" + (ahead == 1 ? "" : "s");
        String outcome = mayRun
                ? "it had already been sent (pipelined), so the server may still run it: it is cancelled when it starts, and its results are skipped"
                : "it was not run";
        return new PgStatementTimeoutException(session.host(), "statement on " + session.host() + " timed out " + where
                + " (its timeout of " + StatementPlan.humanReadable(plan.timeout()) + " counts from its submission); " + outcome
                + " (" + plan.describe() + ")", TIMEOUT_FIELDS, null);
    }

    /** The error of a timed-out statement: the server's own 57014 when it sent one ({@code server}), else ours. */
    PgStatementTimeoutException timeoutError(PgServerException server) {
        if (server != null) {
            return new PgStatementTimeoutException(server.host(), "statement on " + server.host() + " cancelled after its timeout of "
                    + StatementPlan.humanReadable(plan.timeout()) + " (" + plan.describe() + ")", server.serverFields(), server);
        }
        // no 57014 from the server (queued, paged portal closed, cancel lost the race or not sent):
        // the SQLSTATE is still 57014 (query_canceled), so callers can tell a timeout by its code
        return new PgStatementTimeoutException(session.host(), "statement on " + session.host() + " ran past its timeout of "
                + StatementPlan.humanReadable(plan.timeout()) + "; its remaining rows were dropped (" + plan.describe() + ")", TIMEOUT_FIELDS, null);
    }
}
