package io.pgconn.internal.query;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CloseComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.CopyData;
import io.pgconn.internal.protocol.backend.CopyDone;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.EmptyQueryResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParameterDescription;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.PortalSuspended;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.Close;
import io.pgconn.internal.protocol.frontend.CopyFail;
import io.pgconn.internal.protocol.frontend.Execute;
import io.pgconn.internal.protocol.frontend.Flush;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.MessageSequence;
import io.pgconn.internal.protocol.frontend.Sync;
import io.pgconn.query.CommandResult;
import io.pgconn.query.Segment;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One attempt at running a {@link StatementPlan} with the extended query protocol. When the
 * statement's row types are known (a cached named statement) it is one write:
 * <pre>
 *   [Close S stale]*  (Bind, Execute)*  Sync
 * </pre>
 * Otherwise the statement is described first, because the result formats in Bind (binary where a
 * codec reads the type in binary) depend on the row types:
 * <pre>
 *   [Close S stale]*  Parse  Describe S  Flush   ... RowDescription | NoData ...   (Bind, Execute)*  Sync
 * </pre>
 * with no Sync in between (one exchange, one extra round trip on first use; later exchanges are
 * held back until the Bind phase is written). Under a fetch size each Execute carries the row limit
 * and a Flush, and the Sync follows the last page. A statement that may be a COPY also ends its Bind
 * phase with a Flush: its one Sync follows its end or error, or goes with the CopyFail that refuses
 * a COPY FROM STDIN (so a cancel can never make two ReadyForQuery). The answers are checked against what was sent:
 * a DataRow without a description, or with another column count, is a protocol error that ends the
 * connection. The exchange is where its {@link ResultSegments} hand their segments ({@link #accept}: on to the run), so
 * that no method reference is made per statement for it.
 */
final class ExtendedExchange extends ExtendedRequest implements Consumer<Segment> {

    private static final RowDescription NO_ROWS = new RowDescription(List.of());
    private static final Supplier<String> THE_STATEMENT = () -> "the statement";
    private final StatementRun run;
    private final StatementPlan plan;
    private final int attempt;
    private final boolean paged;
    /** A CopyIn/OutResponse was refused: its CopyData and the COPY's CommandComplete are read past. */
    private boolean copyRefused;
    /** Waiting for the statement's RowDescription/NoData before writing the Bind phase. */
    private boolean describing;
    /** Aborted while described behind another exchange: a CancelRequest may be due at its turn ({@link #abortedAtHead}). */
    private boolean cancelIfParseWaits;
    /** The rows and results handed to the run; from the first write on. */
    private ResultSegments segments;
    private int expectedCloses;
    private PgException error;
    /** An ErrorResponse was read: {@link #error} is set ({@link #serverErrorRead()}). */
    private boolean serverFailed;
    private boolean syncSent;
    /** The Bind/Execute phase was written: the server runs the statement unless a cancel stops it. */
    private boolean bindPhaseWritten;
    private boolean suspended;
    /** The tag of the first CommandComplete read: a commit's answer (CommitText.answeredBeforeTheEnd). */
    private String firstTag;
    private int executionsDone;
    /** The server refused the cached statement as stale or missing: its entry was dropped, a re-run prepares anew. */
    private boolean staleEntry;
    /**
     * A BindComplete was read: the server found the statement and revalidated its plan. A 26000 or 0A000 after it
     * comes from running the statement (a user's EXECUTE or DEALLOCATE of their own), never says this statement is
     * stale or its server session shared, and a re-run would repeat whatever the execution did.
     */
    private boolean bound;

    ExtendedExchange(StatementRun run, StatementPlan plan, int attempt) {
        super(plan, CopyRefusal.mayCopy(plan.sql()));
        this.run = run;
        this.plan = plan;
        this.attempt = attempt;
        this.paged = plan.paged();
    }

    int attempt() {
        return attempt;
    }

    @Override
    public boolean executionWritten() {
        return bindPhaseWritten;
    }

    /** A statement of the extended protocol: a BEGIN rides in its Sync group ({@link DeferredBegin}). */
    @Override
    public boolean canCarryBegin() {
        return true;
    }

    @Override
    public boolean completedAny() {
        return firstTag != null;
    }

    @Override
    protected PgException serverErrorRead() {
        return serverFailed ? error : null;
    }

    @Override
    public boolean holdsWrites() {
        // describing: the Bind phase is still to be written; paged: the portal lives until our Sync;
        // a timeout: its CancelRequest must not be able to hit a later statement, so none is
        // written behind this one until its ReadyForQuery
        return (!syncSent && (describing || paged)) || ((plan.hasTimeout() || mayCopy) && !done);
    }

    /**
     * Only while its Sync is unwritten: a statement with a timeout (or a possible COPY) holds the writes until its
     * ReadyForQuery also after its Sync went out, and that ReadyForQuery is owed — a close that did not count it wrote
     * its Terminate without ever sending this statement's CancelRequest (REVIEW-22 R22-4).
     */
    @Override
    public boolean syncPending() {
        return holdsWrites() && !syncSent;
    }

    /** A possible COPY whose Sync is not written yet: it follows the Bind phase only in reply ({@link #onMessage}). */
    @Override
    public boolean mayCopyInBeforeItsSync() {
        return mayCopy && syncPending();
    }

    /** Lets the exchanges behind this one be written once nothing holds them any more. */
    private void releaseWritesIfFree() {
        if (session != null && !holdsWrites()) {
            session.releaseWrites(this);
        }
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        this.session = session;
        this.segments = new ResultSegments(this, session.host(), THE_STATEMENT);
        if (aborted) {
            // cancelled while held back, written only as the head inside a transaction (waitsToBeHead;
            // outside one the session withdrew it)
            syncSent = true;
            return WithdrawnStatement.failingTheTransaction();
        }
        plan.encodeDeferred(session); // after the type lookup queued in front of it: a failure fails this exchange unwritten
        StatementCache cache = session.statementCache();
        List<String> staleNames = cache.drainToClose();
        try {
            FrontendMessage first = firstWrite(session, staleNames);
            expectedCloses += staleNames.size();
            describing = describingFirst();
            bindPhaseWritten = !describing;
            syncSent = !describing && bindPhaseSyncs();
            return first;
        } catch (RuntimeException | Error e) {
            // nothing is written: the Closes go with the next exchange, a new entry was never parsed. An Error too
            // (a codec's LinkageError, an OutOfMemoryError): the session goes on after it (ExchangeFifo.write)
            cache.restoreToClose(staleNames);
            if (creator()) {
                cache.invalidate(entry());
            }
            throw e;
        }
    }

    /** A segment of the answer, from {@link #segments}: the run emits it. */
    @Override
    public void accept(Segment segment) {
        run.emit(segment);
    }

    @Override
    public void onMessage(BackendMessage message) {
        if (message instanceof DataRow row) {
            segments.row(row, metadata(), rowDecoder(), aborted);
            if (aborted) {
                rowReadAfterAbort();
            }
        } else if (message instanceof BindComplete) {
            bound = true;
            segments.nextResult();
        } else if (message instanceof CommandComplete complete) {
            if (firstTag == null) {
                firstTag = complete.tag();
            }
            executionDone();
            if (!aborted && !copyRefused) {
                segments.end(metadata(), paged && complete.tag().startsWith("SELECT ")
                        ? CommandResult.of("SELECT " + segments.rows()) // the server counts only the last page
                        : CommandResult.of(complete.tag()));
            }
            if ((paged || (mayCopy && serverDone)) && !syncSent) {
                sendSync(false);
            }
        } else if (message instanceof ParseComplete) {
            if (entry() != null && creator()) {
                entry().parsed = true;
            }
        } else if (message instanceof ParameterDescription) {
            // the types were chosen by us or inferred by the server; values are already encoded
        } else if (message instanceof RowDescription description) {
            described(description);
        } else if (message instanceof NoData) {
            described(NO_ROWS);
        } else if (message instanceof PortalSuspended) {
            portalSuspended();
        } else if (message instanceof CloseComplete) {
            if (--expectedCloses < 0) {
                throw unexpected(message);
            }
        } else if (message instanceof EmptyQueryResponse) {
            executionDone();
            if (!aborted) {
                run.emit(CommandResult.of(""));
            }
            if (mayCopy && serverDone && !syncSent) {
                sendSync(false);
            }
        } else if (message instanceof ErrorResponse response) {
            serverError(response);
        } else if (message instanceof CopyResponse copy && copy.kind() != 'W') {
            refuseCopy(copy.kind() == 'G');
        } else if ((message instanceof CopyData || message instanceof CopyDone) && copyRefused) {
            // COPY TO STDOUT's data, read past; its CommandComplete follows
        } else {
            throw unexpected(message);
        }
    }

    private void refuseCopy(boolean fromStdin) {
        if (error == null) {
            error = CopyRefusal.notSupported(session.host(), fromStdin);
        }
        copyRefused = true;
        if (fromStdin) {
            if (!session.isLastWritten(this)) {
                throw CopyRefusal.cannotRefuse(session.host());
            }
            // the one Sync of this exchange: after CopyFail (or a cancel's error) the server skips to it
            syncSent = true;
            session.write(MessageSequence.of(new CopyFail(CopyRefusal.REASON), Sync.INSTANCE));
            releaseWritesIfFree();
        }
    }

    private void described(RowDescription rows) {
        if (!describing) {
            throw unexpected(rows);
        }
        describing = false;
        if (aborted) {
            // aborted before the Bind phase, which is never written: everything ahead is answered now, so the
            // transaction status is the one the statement would have run in — except for the carrier of a transaction's
            // BEGIN: the server ran it in this Sync group, unanswered by any ReadyForQuery yet, so the statement stands
            // inside the block it opened, which must fail (REVIEW-27 R27-1: a bare Sync left it healthy, and a COMMIT
            // committed what came after without the cancelled statement)
            rememberDescription(rows);
            syncSent = true;
            session.write(WithdrawnStatement.ending(carriesBegin() ? 'T' : session.transactionStatus()));
            releaseWritesIfFree();
            return;
        }
        session.write(bindPhase(session, rows));
        bindPhaseWritten = true;
        executionWrittenIn(session.writeBatch());
        syncSent = bindPhaseSyncs();
        if (!paged) {
            releaseWritesIfFree();
        }
    }

    private void portalSuspended() {
        if (!paged) {
            throw new PgProtocolException(session.host(), "server " + session.host()
                    + " sent PortalSuspended for an Execute without a row limit");
        }
        if (syncSent) {
            return;
        }
        if (run.wantsMore()) {
            session.write(MessageSequence.of(new Execute("", plan.fetchSize()), Flush.INSTANCE));
        } else {
            suspended = true;
        }
    }

    /** The subscriber asked for more: under paging, fetch the next page if the server is waiting. */
    @Override
    void onDemand() {
        if (suspended && !syncSent && run.wantsMore()) {
            suspended = false;
            session.write(MessageSequence.of(new Execute("", plan.fetchSize()), Flush.INSTANCE));
        }
    }

    private void executionDone() {
        if (++executionsDone >= plan.sets().size()) {
            serverDone = true;
        }
    }

    private void serverError(ErrorResponse response) {
        serverDone = true; // the server skips the rest up to our Sync
        serverFailed = true;
        if (error == null) {
            // the server's text may quote a parameter value it could not take: kept out of the message
            error = session.serverError(response.fields(), plan.typeOids().length > 0);
        }
        StaleStatement.Verdict verdict = StaleStatement.judge(session, entry(), creator(), bound, error);
        error = verdict.error();
        staleEntry = verdict.staleEntry(); // re-run once, prepared anew, when nothing depends on its place (onReady)
        if (!syncSent) {
            sendSync(false); // the server skips to the Sync we have not written yet (describing, or paging)
        }
    }

    private void sendSync(boolean closePortal) {
        syncSent = true;
        if (closePortal) {
            expectedCloses++;
            session.write(MessageSequence.of(Close.portal(""), Sync.INSTANCE));
        } else {
            session.write(Sync.INSTANCE);
        }
        releaseWritesIfFree();
    }

    /**
     * Cancel or timeout: stop the server's work; rows still arriving are dropped. A CancelRequest
     * is sent only while this exchange is the one the server runs, its work is not done, and
     * nothing of ours was written after it: PostgreSQL cancels whatever the backend runs when the
     * signal arrives, so otherwise it could fail a later, innocent statement (docs/query.md §5).
     *
     * @return whether the server was asked to stop (or is already done), so its ReadyForQuery
     *         follows soon; false when the statement runs on to its end or waits for its turn
     */
    @Override
    boolean abort() {
        if (done || aborted) {
            return true;
        }
        aborted = true;
        if (session == null) {
            return false; // not written yet: the session withdraws it, or writes it to fail the transaction
        }
        if (serverDone) {
            return true; // only the ReadyForQuery is still to come
        }
        if (!syncSent) {
            if (describing) {
                // the Bind phase is never written; how the exchange ends (a bare Sync, or a rejected statement
                // failing the transaction) is decided when the description comes (described), its writes held until
                // then. As the head the server may be busy with its Parse: parse analysis locks the tables, so it
                // waits behind an ALTER TABLE, LOCK TABLE, TRUNCATE ... — asked to stop like any statement it runs
                // (its 57014 ends the exchange: serverError writes the Sync; unasked, it waited on in the lock queue
                // and the run's silence rule closed the connection: INVESTIGATE-32). Queued behind another, the
                // statement ahead keeps the server busy and would take the signal: none now, perhaps one at its turn
                // (docs/query.md §5)
                if (session.isHead(this)) {
                    return cancelIfAlone();
                }
                cancelIfParseWaits = true; // at its turn (abortedAtHead)
                return true;
            }
            // paging: closing the portal ends the server's work with the page in progress, so a
            // page still running (a sort, a lock wait ...) is cancelled as well — asked before the
            // Close/Sync release the writes, so nothing of ours is behind it (a cancel arriving
            // after the page is ignored by the idle or reading backend)
            if (mayCopy && !paged) {
                // Bind/Execute/Flush written, the Sync only follows in reply: a Close or Sync now
                // would be read in copy-in mode (an error of its own, then a second ReadyForQuery)
                if (session.isHead(this)) {
                    return cancelIfAlone();
                }
                cancelWhenHead = true;
                return false;
            }
            if (paged && !suspended) {
                if (session.isHead(this)) {
                    cancelIfAlone();
                } else {
                    cancelWhenHead = true; // sent only if nothing was written after the Close/Sync
                }
            }
            sendSync(paged);
            return true;
        }
        return cancelNowOrAtHead();
    }

    /**
     * Aborted while described behind another exchange, it is now the one the server runs: its Parse is normally
     * answered at once, but may wait for a lock. Asked to stop when its description has not come within
     * {@link DeferredCancel#DELAY_NANOS} (a CancelRequest for every such statement would cost a connection where almost
     * all need none); nothing is written behind it meanwhile (its writes are held while it is described), so the
     * CancelRequest can hit only it (docs/query.md §5).
     */
    @Override
    void abortedAtHead() {
        if (cancelIfParseWaits) {
            cancelIfParseWaits = false;
            session.schedule(this::cancelIfStillDescribed, DeferredCancel.DELAY_NANOS);
        }
    }

    private void cancelIfStillDescribed() {
        if (!describing || done || serverDone) {
            return; // the description came: it ends unrun without the server's help (described)
        }
        if (session.readingPaused()) {
            // the description may wait unread in the socket (another run's subscriber has no demand): judged again later
            session.schedule(this::cancelIfStillDescribed, DeferredCancel.DELAY_NANOS);
            return;
        }
        cancelIfAlone();
    }

    /**
     * A subscriber's cancel while rows were arriving waits for the statement's own end ({@link DeferredCancel}),
     * except under paging (closing the portal ends it) and for a possible COPY (its own cancel rules).
     */
    @Override
    boolean cancelMayWait(boolean resultArriving) {
        return resultArriving && !paged && !mayCopy;
    }

    @Override
    public void onReady(char status) {
        done = true;
        endDeferredCancel();
        releaseWritesIfFree();
        if (error == null) {
            run.complete();
        } else if (attempt == 0 && staleEntry && status == 'I' && !run.emittedAny()
                && !run.cancelled() && !run.timedOut() && session.nothingSubmittedAfter(this)) {
            // outside a transaction block the failed attempt changed nothing: run it again, re-prepared.
            // Only when nothing was submitted after it: the retry goes to the end of the FIFO, and
            // must not run after statements meant to follow it (the entry is invalidated already,
            // so the caller's own retry re-prepares)
            run.retry(this);
        } else {
            run.error(error);
        }
    }

    @Override
    public void fail(PgException failure) {
        done = true;
        endDeferredCancel();
        releaseWritesIfFree();
        if (CommitText.answeredBeforeTheEnd(plan.sql(), firstTag, failure) && (error == null || error.endsSession())) {
            run.complete(); // the server answered the COMMIT before the session ended: its outcome is known (query.md §5)
            return;
        }
        // a COMMIT whose execution was sent before the session ended may have committed (query.md §5)
        run.error(CommitText.failure(plan.sql(), firstTag, failure));
    }

    private PgProtocolException unexpected(BackendMessage message) {
        return new PgProtocolException(session.host(), "server " + session.host() + " sent unexpected "
                + message.getClass().getSimpleName() + " in an extended query exchange");
    }
}
