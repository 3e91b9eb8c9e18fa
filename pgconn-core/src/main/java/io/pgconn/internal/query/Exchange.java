package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

/**
 * One request in the session's FIFO: the messages it writes, ending in a Sync (or a simple Query),
 * and the handling of the answers up to and including their ReadyForQuery. Exchanges are written
 * without waiting for earlier ones (pipelining) and answered in order. Event loop only.
 */
public abstract class Exchange {

    private long statementCacheMark;
    private boolean written;

    /** Set by the session once the exchange is written: the statement cache's {@link StatementCache#mark()} then. */
    public final void writtenAt(long statementCacheMark) {
        this.statementCacheMark = statementCacheMark;
        this.written = true;
    }

    /** Whether its messages were written: answers can be for it only then. */
    public final boolean written() {
        return written;
    }

    /** What a DISCARD ALL in this exchange dropped on the server: cache entries up to this mark. */
    public final long statementCacheMark() {
        return statementCacheMark;
    }

    /** The messages to write, built when the exchange is written (the statement cache is read then). */
    public abstract FrontendMessage messages(QuerySession session);

    /**
     * One answer before ReadyForQuery (ParameterStatus, notices and notifications are handled by the
     * session). An answer that makes no sense here raises {@link io.pgconn.PgProtocolException}.
     */
    public abstract void onMessage(BackendMessage message);

    /** ReadyForQuery: the exchange is over; {@code status} is the transaction status after it. */
    public abstract void onReady(char status);

    /** The connection ended before ReadyForQuery (or the exchange could not be written). */
    public abstract void fail(PgException error);

    /** Whether later exchanges must wait to be written until this one calls {@link QuerySession#releaseWrites}. */
    public boolean holdsWrites() {
        return false;
    }

    /**
     * Whether the session must keep this exchange (and what was submitted after it) unwritten until
     * every exchange before it has been answered: a statement cancelled while queued, which then
     * leaves the FIFO unwritten when no transaction is open, or else is written to fail the open one
     * (the transaction status is only known once the exchanges before it are answered).
     */
    public boolean waitsToBeHead() {
        return false;
    }

    /** Called when every exchange before this one has finished: it is the one the server is running. */
    public void becameHead() {
    }
}
