package io.pgconn.internal.copy;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.EmptyQueryResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.TracedStatement;

/**
 * What the two COPY exchanges share ({@link CopyInExchange}, {@link CopyOutExchange}): a simple Query that holds the
 * writes from its Query to its ReadyForQuery (nothing of ours is behind it, so a CancelRequest can hit only it), the
 * server's error kept as the first error read, the COPY's {@code COPY n}, a statement that turned out to be no COPY read
 * past, an answer the COPY sub-protocol does not allow, and the outcome at ReadyForQuery; each direction reads its own
 * messages ({@link #copyMessage}). Event loop only.
 */
abstract class CopyExchange extends Exchange {

    /** The COPY's direction: what its errors name. */
    enum Direction {
        IN("copyIn", "COPY FROM STDIN", "had ended its data"),
        OUT("copyOut", "COPY TO STDOUT", "had ended its data with CopyDone");

        /** The method that runs it. */
        final String method;
        final String statement;
        /** What an unexpected answer's error says of {@link Phase#DATA_ENDED}. */
        final String dataEnded;

        Direction(String method, String statement, String dataEnded) {
            this.method = method;
            this.statement = statement;
            this.dataEnded = dataEnded;
        }
    }

    /** Where the COPY is; the direction moves it on through its own messages. */
    enum Phase {
        /** Submitted, not written. */
        QUEUED,
        /** The Query was written; no answer yet. */
        WRITTEN,
        /** The COPY response was read: the data flows (ours as CopyData in, the server's out). */
        COPYING,
        /**
         * The data ended (in: our CopyDone or CopyFail written; out: the server's CopyDone read): its CommandComplete
         * or error is next.
         */
        DATA_ENDED,
        /** The server answered (its CommandComplete or error): its ReadyForQuery is next. */
        ANSWERED
    }

    final QuerySession session;
    final Query query;
    /** The tracer's statement, or null. */
    final TracedStatement traced;
    private final Direction direction;
    private final String sql;
    Phase phase = Phase.QUEUED;
    /** ReadyForQuery (or the session's end, or its withdrawal) came: it holds the writes no more. */
    boolean done;
    /** The statement turned out not to be the COPY asked for: its answers are read past. */
    boolean readingPast;
    /** The error it fails with: the server's (the first read), or one of ours that the server's follows. */
    PgException error;
    private boolean completed;
    private boolean serverFailed;
    long rows = -1;

    CopyExchange(QuerySession session, Direction direction, String sql, Query query, TracedStatement traced) {
        this.session = session;
        this.direction = direction;
        this.sql = sql;
        this.query = query;
        this.traced = traced;
    }

    @Override
    public final FrontendMessage messages(QuerySession session) {
        phase = Phase.WRITTEN;
        return query;
    }

    /**
     * A server message: its error (kept, the COPY answered), a read-past statement's answers, the COPY's CommandComplete
     * once its data ended, the direction's own messages ({@link #copyMessage}), or the first answer of a statement that
     * is no COPY; anything else the COPY sub-protocol does not allow ends the session ({@link PgProtocolException}).
     */
    @Override
    public final void onMessage(BackendMessage message) {
        if (message instanceof ErrorResponse response) {
            serverFailed(response);
            errorRead();
            phase = Phase.ANSWERED;
        } else if (readingPast) {
            readPast(message);
        } else if (message instanceof CommandComplete complete && phase == Phase.DATA_ENDED) {
            copied(complete);
            phase = Phase.ANSWERED;
        } else if (!copyMessage(message) && !(phase == Phase.WRITTEN && noCopy(message))) {
            throw unexpected(message.getClass().getSimpleName());
        }
    }

    /** The direction's own messages (its COPY response, the data): whether {@code message} was one it takes now. */
    abstract boolean copyMessage(BackendMessage message);

    /** The server's error was read, before the COPY counts as answered: a copy-in stops its feed. */
    void errorRead() {
    }

    /** The error ending the session for {@code what}, an answer the COPY sub-protocol does not allow now. */
    final PgProtocolException unexpected(String what) {
        return CopyTexts.unexpected(session.host(), what, "while a " + direction.statement + " " + state());
    }

    private String state() {
        return switch (phase) {
            case QUEUED, WRITTEN -> "was started";
            case COPYING -> "was sending its data";
            case DATA_ENDED -> direction.dataEnded;
            case ANSWERED -> "was answered";
        };
    }

    @Override
    public final boolean holdsWrites() {
        return !done;
    }

    /** A simple Query: its ReadyForQuery is owed while it holds the writes (a close counts it, REVIEW-20 Y3). */
    @Override
    public final boolean syncPending() {
        return false;
    }

    @Override
    public final String text() {
        return sql;
    }

    @Override
    public final boolean mayEndTransaction() {
        return false;
    }

    @Override
    public final boolean completedAny() {
        return completed;
    }

    @Override
    protected final PgException serverErrorRead() {
        return serverFailed ? error : null;
    }

    /**
     * The server's ErrorResponse: kept unless an error of ours came first (the server's then answers it). A COPY's
     * data is treated as a statement's parameters: a class-22 message's value is cut (NEW-USER-25 F3: the rejected
     * value was shown, a secret column's too), and the line and column of a COPY FROM are named (PgErrors).
     */
    final void serverFailed(ErrorResponse response) {
        serverFailed = true;
        if (error == null) {
            error = session.serverError(response.fields(), true);
        }
    }

    /** The COPY's CommandComplete ({@code COPY n}). */
    final void copied(CommandComplete complete) {
        completed = true;
        rows = CopyTexts.rows(complete.tag());
        if (traced != null) {
            traced.completed(complete.tag());
        }
    }

    /** Reading past a statement that is no COPY (or the other COPY): its CommandComplete is noted. */
    final void readPast(BackendMessage message) {
        if (message instanceof CommandComplete) {
            completed = true;
        }
    }

    /** A statement that is not the COPY asked for: its answers are read past, and it fails saying what the server started. */
    final void wrongStatement(String started) {
        readingPast = true;
        error = CopyTexts.wrongStatement(session.host(), direction.method, started);
    }

    /**
     * Whether {@code message}, the first answer to the Query, says the statement was no COPY (rows, an empty query, a
     * plain CommandComplete): then it is read past and fails so.
     */
    final boolean noCopy(BackendMessage message) {
        if (message instanceof RowDescription || message instanceof DataRow || message instanceof EmptyQueryResponse
                || message instanceof CommandComplete) {
            wrongStatement("ran a statement that is no COPY");
            readPast(message);
            return true;
        }
        return false;
    }

    /** The outcome at ReadyForQuery: the error read, or one saying no COPY ran, or null (its {@link #rows}). */
    final PgException outcome() {
        if (error == null && !completed) {
            return CopyTexts.wrongStatement(session.host(), direction.method, "answered it without a COPY");
        }
        return error;
    }

    /**
     * Asks the server to stop the COPY with a CancelRequest — only while it holds the writes as the head (nothing of
     * ours behind it: the signal can hit only it) — and sends it again while {@link #cancelUnanswered()} holds a moment
     * after it ended, as a statement's (the server drops one that lands before the backend read the Query; REVIEW-20 C4).
     */
    final void requestCancel() {
        if (session.isHead(this) && session.isLastWritten(this)) {
            session.requestCancel(this::cancelUnanswered);
        }
    }

    /** Whether a CancelRequest sent for it went unanswered: the server still runs it, and it still holds the writes. */
    final boolean cancelUnanswered() {
        return !done && stillRunning() && session.isHead(this) && session.isLastWritten(this);
    }

    /** Whether the server may still be running the statement, so that a CancelRequest could stop it. */
    abstract boolean stillRunning();
}
