package io.pgconn.internal.session;

import io.pgconn.PgClosedException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgProtocolException;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.backend.ErrorResponse;

import java.io.IOException;

/**
 * Why a session ended, and the error that says so to everything still in flight or submitted after:
 * the FATAL the server sent before it ended the session (57P01, 25P03 ...), the protocol violation or
 * pipeline failure that made the client close it, else the reason of the close (the user's, the
 * factory's). Only these become the cause: an ERROR that does not end the session is no reason for
 * a later close (REVIEW-8 F6). Written on the event loop, read from any thread.
 */
final class CloseCause {

    private final String host;
    /** The {@code serverErrorDetail} setting, for the server's FATAL. */
    private final boolean serverErrorDetail;
    private volatile PgException cause;
    private volatile String reason = "closed";
    /** The loop began its close: nothing more is queued, even while the channel is still open ({@link #closeBegun}). */
    private volatile boolean closeBegun;
    /** An exchange in flight at the end was told an unknown outcome ({@link #leftUnknown}). */
    private volatile PgOutcomeUnknownException leftUnknown;

    CloseCause(String host, boolean serverErrorDetail) {
        this.host = host;
        this.serverErrorDetail = serverErrorDetail;
    }

    /** The server ends the session after this error (severity FATAL or PANIC). */
    void endedByServer(ServerErrorFields fields) {
        cause = PgErrors.fromServer(host, fields, false, false, serverErrorDetail);
    }

    /** The server broke the protocol: the first violation is the cause, nothing read after it counts. */
    void protocolViolated(PgProtocolException violation) {
        if (!streamBroken()) {
            cause = violation;
        }
    }

    /** Whether the stream broke ({@link #protocolViolated}): what is read after it is not dispatched. */
    boolean streamBroken() {
        return cause instanceof PgProtocolException;
    }

    /**
     * The pipeline failed (an exception caught): the cause unless the session had one already. A socket error
     * is said in pgconn's words ({@link SocketFailureText}).
     */
    void failed(Throwable failure) {
        if (cause == null) {
            cause = failure instanceof PgException pg ? pg
                    : failure instanceof IOException socket ? SocketFailureText.closed(host, socket)
                    : new PgClosedException(host, "connection to " + host + " failed: " + failure, failure);
        }
    }

    /** The reason of a close asked for (e.g. "closed: the connection factory was closed"), for work in flight. */
    void closing(String closeReason) {
        reason = closeReason;
    }

    /** The loop's close began ({@link SessionEnd}): what is submitted from now on fails as closed, not sent. */
    void beginClose() {
        closeBegun = true;
    }

    /** Whether the loop's close began: the channel may stay open a little longer (a busy session's, {@link CancelFirstClose}). */
    boolean closeBegun() {
        return closeBegun;
    }

    /** The error that ended the session, or null when it was closed (or is open). */
    PgException cause() {
        return cause;
    }

    /** The failure of work in flight at the end, or submitted after it: the cause's fields and SQLSTATE when there is one. */
    PgException closedError() {
        PgException ended = cause;
        if (ended == null) {
            return new PgClosedException(host, "connection to " + host + " " + reason);
        }
        return new PgClosedException(host, "connection to " + host + " closed: " + ended.getMessage(), ended.serverFields(), ended);
    }

    /**
     * The failure of a request the session's event loop refused because it is shut down (the factory's loops, the
     * session with them), before the session may have heard of its own end: the closed error of a session that ended
     * for a reason of its own, else one that says the loop is shut down. Not yet "not sent": {@link
     * LostExchanges#submittedAfterTheEnd} adds that.
     */
    PgException loopShutDownError() {
        return cause != null || !"closed".equals(reason) ? closedError()
                : new PgClosedException(host, "connection to " + host + " closed: its event loop is shut down");
    }

    /**
     * An exchange in flight at the end was told {@code unknown} (written on the event loop before the exchanges hear
     * the end): a wait for what was in flight made after the end has that outcome, not "nothing was sent" (REVIEW-34 R34-4).
     */
    void leftUnknown(PgOutcomeUnknownException unknown) {
        leftUnknown = unknown;
    }

    /**
     * The failure of a wait for what is in flight ({@code transactionStatusAfterInFlight()}) made after the end: the
     * unknown outcome an exchange in flight was left with, else {@link #closedError()}.
     */
    PgException inFlightWaitError() {
        return leftUnknownOr(closedError());
    }

    /** The unknown outcome an exchange in flight was left with ({@link #leftUnknown}), else {@code otherwise}. */
    PgException leftUnknownOr(PgException otherwise) {
        PgOutcomeUnknownException unknown = leftUnknown;
        return unknown != null ? unknown : otherwise;
    }

    /**
     * A message with no query in flight ends the connection. Also an ErrorResponse that does not end the
     * session (REVIEW-8 F6): PostgreSQL follows an ERROR raised between commands with a ReadyForQuery
     * (a pooler's own ERROR may come without one), so an exchange written meanwhile could take that
     * ReadyForQuery as its own end and every later answer would belong to the statement before it.
     * The error is named (severity, SQLSTATE, message; not its detail, which may quote data).
     */
    PgProtocolException noQueryInFlight(Object msg) {
        String what = msg.getClass().getSimpleName();
        if (msg instanceof ErrorResponse error) {
            ServerErrorFields fields = error.fields();
            what += " (" + fields.severity() + " " + fields.code() + " \"" + fields.message() + "\")";
        }
        return new PgProtocolException(host, "server " + host + " sent " + what + " with no query in flight");
    }
}
