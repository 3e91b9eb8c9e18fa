package io.pgconn.internal.query;

import io.pgconn.FatalErrors;
import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.PgStatementTimeoutException;
import io.pgconn.query.CommandResult;
import io.pgconn.trace.PgTracer.StatementEnded;
import io.pgconn.trace.PgTracer.StatementOutcome;
import io.pgconn.trace.PgTracer.StatementSpan;
import io.pgconn.trace.PgTracer.StatementStarted;

import java.time.Duration;

/**
 * One statement a tracer follows: the rows its command tags count, and its end, told to the tracer's
 * span once — the first of its answer, its failure, its timeout's error, or a cancel that took it back
 * unsent. Made only when a tracer follows the statement; event loop only after the start.
 */
public final class TracedStatement {

    private final StatementStarted started;
    private final StatementSpan span;
    private final long startNanos;
    private long rows = -1;
    private boolean ended;

    TracedStatement(StatementStarted started, StatementSpan span, long startNanos) {
        this.started = started;
        this.span = span;
        this.startNanos = startNanos;
    }

    /** One execution completed with {@code tag}. */
    public void completed(String tag) {
        completed(CommandResult.of(tag));
    }

    void completed(CommandResult result) {
        if (result.rowCount().isPresent()) {
            rows = Math.max(rows, 0) + result.rowCount().getAsLong();
        }
    }

    /** The statement succeeded ({@code error} null) or failed with {@code error}, as the caller sees it. */
    public void ended(Throwable error) {
        ended(error, false, false);
    }

    /** The caller cancelled the statement ({@code error}: what the server answered it with, or null). */
    public void cancelled(Throwable error) {
        ended(error, true, false);
    }

    void ended(Throwable error, boolean cancelled, boolean timedOut) {
        if (ended) {
            return;
        }
        ended = true;
        StatementOutcome outcome = outcome(error, cancelled, timedOut);
        String sqlState = error instanceof PgException pg ? pg.sqlState().orElse(null) : null;
        StatementEnded event = new StatementEnded(started, outcome, rows, sqlState, error, Duration.ofNanos(System.nanoTime() - startNanos));
        try {
            span.ended(event);
        } catch (VirtualMachineError fatal) {
            FatalErrors.handToTheThread(fatal); // heard on the event loop: the caller's future must still complete
        } catch (Throwable ignored) {
            // a tracer must not change the outcome of a statement
        }
    }

    static StatementOutcome outcome(Throwable error, boolean cancelled, boolean timedOut) {
        if (error == null) {
            return cancelled ? StatementOutcome.CANCELLED : StatementOutcome.SUCCESS;
        }
        if (timedOut || error instanceof PgStatementTimeoutException) {
            return StatementOutcome.TIMEOUT;
        }
        if (cancelled) {
            return StatementOutcome.CANCELLED;
        }
        if (error instanceof PgClosedException) {
            return StatementOutcome.CONNECTION_LOST;
        }
        if (error instanceof PgServerException server) {
            return "57014".equals(server.sqlState().orElse(null)) ? StatementOutcome.CANCELLED : StatementOutcome.SERVER_ERROR;
        }
        return StatementOutcome.FAILED;
    }
}
