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
    /** The write buffer ({@link QuerySession#writeBatch()}) its execution went out with; 0: not written. */
    private long executionBatch;
    /** The transaction begun with its first statement it belongs to ({@link DeferredBegin}), else null. */
    private DeferredBegin transaction;
    /** It writes that transaction's BEGIN in front of its own messages. */
    private boolean carriesBegin;

    /**
     * Set by the session once the exchange is written: the statement cache's {@link StatementCache#mark()} then, and
     * the write buffer its messages went out with, which carries its execution unless {@link #executionWritten()}
     * says it is still to come (a statement described first writes it with {@link #executionWrittenIn}).
     */
    public final void writtenAt(long statementCacheMark, long batch) {
        this.statementCacheMark = statementCacheMark;
        this.written = true;
        if (executionWritten()) {
            executionBatch = batch;
        }
    }

    /** Its execution (a described statement's Bind/Execute) was written after its first messages, with buffer {@code batch}. */
    protected final void executionWrittenIn(long batch) {
        executionBatch = batch;
    }

    /**
     * Whether what makes the server run it (its Execute, a script's Query) was written: then the server may run it.
     * By default: once anything of it was written.
     */
    public boolean executionWritten() {
        return written;
    }

    /** The write buffer its execution went out with ({@link QuerySession#writeBatch()}); 0 when it was not written. */
    public final long executionBatch() {
        return executionBatch;
    }

    /**
     * Whether it has read a CommandComplete (an answer a statement gives once it has run): a connection lost after it
     * leaves the outcome unknown even when the server's FATAL ended the session (docs/query.md §5).
     */
    public boolean completedAny() {
        return false;
    }

    /**
     * The error it is failed with when the server had failed it before the session ended — an ErrorResponse read (no
     * FATAL: 23505, 40001...; {@link #serverErrorRead()}) with no CommandComplete before it, or with only statements
     * before it that the error certainly undid ({@link #completedUndoneByItsError()}: a script's, a text's) — or null.
     * Outside a block the error rolled back the implicit transaction, inside one it failed the block: nothing of it
     * took effect, and a lost connection tells it so with this error as the cause (docs/query.md §5), not as an
     * unknown outcome. The one rule; each exchange tells only what it read.
     */
    public final PgException failedOnServer() {
        PgException error = serverErrorRead();
        return error != null && !error.endsSession() && (!completedAny() || completedUndoneByItsError()) ? error : null;
    }

    /**
     * Once it read the server's ErrorResponse, the error it is failed with (the first: a COPY the client refused has its
     * own, which the server's error answering the refusal follows), else null.
     */
    protected PgException serverErrorRead() {
        return null;
    }

    /**
     * Asked when it read a CommandComplete and then the server's error: whether that error certainly undid what
     * completed before it (no statement of it may have committed on its own: {@link TransactionalText}). False unless
     * an exchange of several statements knows better.
     */
    protected boolean completedUndoneByItsError() {
        return false;
    }

    /**
     * Whether its statement may commit part of its work inside itself, before its CommandComplete: any statement not
     * certain to stay inside its transaction ({@link TransactionalText#mayCommitInside}, the one rule the script rule
     * reads too) — a {@code CALL} or {@code DO} (a procedure may {@code COMMIT} chunk by chunk), {@code VACUUM},
     * {@code CREATE INDEX CONCURRENTLY} ... outside a transaction block. Neither its error nor the server's FATAL before
     * its CommandComplete then proves it took no effect: the outcome stays unknown (docs/query.md §5). Read from
     * {@link #text()} (any statement of it); false without one. Asked only when a session is lost.
     */
    public boolean mayCommitInside() {
        String text = text();
        return text != null && TransactionalText.mayCommitInsideAnywhere(text);
    }

    /**
     * Whether its statement can change only the session, nothing that outlives it ({@link SessionOnlyText}: a
     * {@code BEGIN}, {@code SET}, {@code SAVEPOINT}, {@code ROLLBACK} ..., every statement of it): lost with the session,
     * it left nothing to check and can be repeated on a new connection (docs/query.md §5). Read from {@link #text()}
     * (each statement of it); false without one. Asked only when a session is lost.
     */
    public boolean changesOnlyTheSession() {
        String text = text();
        return text != null && SessionOnlyText.changesOnlyTheSessionAnywhere(text);
    }

    /**
     * Whether it runs a statement, so a lost connection tells it whether that may have taken effect (docs/query.md §5,
     * {@code LostExchanges}); false for a place in the FIFO that is never written ({@code InFlightEnd}), which hears the
     * session's end as it is.
     */
    public boolean runsAStatement() {
        return true;
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
     * Whether, while it holds the writes, its Sync is still to be written, so the server owes no ReadyForQuery for it
     * until then (paging, a timeout, a possible COPY in the extended protocol): what a close counts
     * ({@code CancelFirstClose}). An exchange sent as a simple Query holds the writes with its ReadyForQuery owed all
     * the same (a COPY through copyIn/copyOut, a simple query that may start a COPY): it says false. By default
     * {@link #holdsWrites()}.
     */
    public boolean syncPending() {
        return holdsWrites();
    }

    /**
     * Whether its Sync is still to be written ({@link #syncPending}) after a Bind phase that may start a COPY FROM
     * STDIN (the extended protocol's possible COPY): the backend may be in COPY-IN mode, where a CancelRequest does not
     * reach it and a Terminate is "unexpected message type 0x58 during COPY from stdin", so a close ends it with
     * CopyFail and Sync at once ({@code CancelFirstClose}). False by default.
     */
    public boolean mayCopyInBeforeItsSync() {
        return false;
    }

    /**
     * Whether the session must keep this exchange (and what was submitted after it) unwritten until
     * every exchange before it has been answered, then write it or let it leave ({@link #leavesUnwritten}):
     * a statement cancelled while queued, which then leaves the FIFO unwritten when no transaction is
     * open, or else is written to fail the open one; the type lookup, which runs only when none is (the
     * transaction status is only known once the exchanges before it are answered).
     */
    public boolean waitsToBeHead() {
        return false;
    }

    /**
     * Asked when this exchange {@link #waitsToBeHead() waits to be the head}, is it, and is still unwritten:
     * whether it leaves the FIFO unwritten ({@link #leftUnwritten()} follows) rather than being written now.
     * {@code transactionStatus} is the status after the exchanges before it. A withdrawn statement leaves when
     * no transaction is open (nothing to fail); the type lookup when one is (it must not run inside it).
     */
    public boolean leavesUnwritten(char transactionStatus) {
        return transactionStatus == 'I';
    }

    /**
     * Whether, on leaving unwritten with a transaction open, it goes back into the FIFO behind the first
     * exchange held back after it that {@link #mayEndTransaction() may end} the transaction (the type
     * lookup); {@link #leftUnwritten()} is called only when there is none.
     */
    public boolean waitsForTransactionEnd() {
        return false;
    }

    /** It left the FIFO unwritten ({@link #leavesUnwritten}). */
    public void leftUnwritten() {
    }

    /**
     * Whether the transaction status may go from open to idle with this exchange: a statement that ends a
     * transaction (COMMIT, ROLLBACK...; each kind reads its text with {@link TransactionEndText}). The type lookup
     * waiting for a transaction to end is queued behind such an exchange. True unless an exchange knows better.
     */
    public boolean mayEndTransaction() {
        return true;
    }

    /**
     * The SQL text the exchange sends, or null when it does not say (a script): the type epoch reads it when a
     * statement completed with a tag that may change a row type or the search path ({@code SessionTypeOids}).
     */
    public String text() {
        return null;
    }

    /**
     * Whether it opens a transaction block {@code READ WRITE} on its own (not a {@link DeferredBegin}'s): on a {@code
     * target_session_attrs=read-write} session what is behind it waits for its answer, and a transaction the server
     * opened after turning read-only is rolled back at once ({@code ExchangeFifo}, docs/query.md §5). Read from the text
     * ({@link ReadWriteBeginText}) unless an exchange knows better.
     */
    public boolean opensReadWriteTransaction() {
        return ReadWriteBeginText.opensReadWrite(text());
    }

    /**
     * Whether the BEGIN of a transaction begun with its first statement can ride in front of its messages, in its Sync
     * group ({@link DeferredBegin}): a statement of the extended protocol. A simple Query cannot follow a failed
     * extended-protocol message (the server skips everything up to a Sync), so a simple query, a script or a COPY
     * gets a BEGIN of its own in front. False unless an exchange knows better.
     */
    public boolean canCarryBegin() {
        return false;
    }

    /** The transaction begun with its first statement it belongs to, or null ({@link DeferredBegin}). */
    public final DeferredBegin transaction() {
        return transaction;
    }

    final void joinTransaction(DeferredBegin begin) {
        this.transaction = begin;
    }

    final void carryBegin(DeferredBegin begin) {
        this.transaction = begin;
        this.carriesBegin = true;
    }

    /** Whether it writes its transaction's BEGIN in front of its own messages ({@link DeferredBegin}). */
    public final boolean carriesBegin() {
        return carriesBegin;
    }

    /** {@link #messages}, with the BEGIN it carries in front ({@link DeferredBegin}). */
    public final FrontendMessage messagesToWrite(QuerySession session) {
        FrontendMessage own = messages(session);
        return carriesBegin ? transaction.inFrontOf(own) : own;
    }

    /**
     * Whether {@code message} answers the BEGIN it carries in front rather than its own messages ({@link
     * DeferredBegin#takes}): the session's handler then does not hand it on.
     */
    public final boolean answersCarriedBegin(BackendMessage message) {
        return carriesBegin && transaction.takes(message);
    }

    /** Called when every exchange before this one has finished: it is the one the server is running. */
    public void becameHead() {
    }
}
