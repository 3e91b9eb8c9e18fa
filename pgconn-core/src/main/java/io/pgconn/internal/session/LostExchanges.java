package io.pgconn.internal.session;

import io.pgconn.ErrorMessageLines;
import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.PgFailedThenClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.query.Exchange;

import java.util.function.LongPredicate;

/**
 * What each exchange still in flight when the session ended is told: whether its statement may have taken effect
 * (docs/query.md §5, the one rule). In FIFO order, the head first (the one the server was running):
 * <ul>
 *   <li>not sent — its execution never reached the socket ({@link WriteBatch#mayHaveLeft}: still queued, held back,
 *       encoded and not flushed, or in a buffer behind one the socket had not taken whole): it did not run;</li>
 *   <li>the server ended the session itself ({@link #serverEndedItFirst}: a FATAL of its own, no PANIC, no class 08)
 *       before the head completed (no CommandComplete of it read), or before it read what was behind the head: did
 *       not take effect. Not the head when it may commit part of its work inside itself ({@link Exchange#mayCommitInside()}:
 *       a {@code CALL} or {@code DO} whose procedure COMMITs before its one CommandComplete, a {@code VACUUM}, a
 *       {@code CREATE INDEX CONCURRENTLY} ... — any statement not certain to stay inside its transaction, the rule a
 *       script's statements get) outside a transaction block (status {@code 'I'}): unknown. Behind the head under a PANIC too (the process that crashed read nothing after it), not
 *       under an error without a SQLSTATE (PostgreSQL always sends one: a pooler's or proxy's word, like class 08);</li>
 *   <li>failed by the server before the end ({@link Exchange#failedOnServer()}: its ErrorResponse read, no
 *       CommandComplete, or only statements of its script or text the error certainly undid): did not take effect, the server's error the cause ({@link PgFailedThenClosedException}) — unless it may commit inside itself
 *       outside a transaction block (a procedure's COMMIT before its error stays committed, a failed
 *       {@code CREATE INDEX CONCURRENTLY} leaves its invalid index): then unknown;</li>
 *   <li>sent inside a transaction block (known from the last ReadyForQuery and the exchanges before it, none of
 *       which may end the block) that no exchange sent after it may end: the block ends with the session, rolled
 *       back (a failed block's statements are rejected);</li>
 *   <li>one that can change only the session ({@link Exchange#changesOnlyTheSession()}: {@code BEGIN}, {@code SET},
 *       {@code SAVEPOINT}, {@code ROLLBACK} ..., every statement of it): whether it ran or not, nothing of it outlives
 *       the session, so it can be repeated on a new connection (new user 19's F1: a lost {@code BEGIN} was unknown);</li>
 *   <li>else unknown ({@link PgOutcomeUnknownException}): the server may have run it, and committed it outside a
 *       transaction block, and lost only the answer — a reset connection drops the answers the client had not read.</li>
 * </ul>
 * An exchange that runs no statement ({@link Exchange#runsAStatement()}: {@link InFlightEnd}, a caller's wait for what
 * is in flight) hears the session's end as it is — unless an exchange ahead of it has an unknown outcome: then that
 * unknown outcome is its too (what is in flight may have committed: the work's own {@code commit()} left unawaited and
 * lost after it was sent is no "nothing committed", REVIEW-34 R34-4). Each kind is one exception for the whole FIFO,
 * made when an exchange needs it. Event loop only.
 */
final class LostExchanges {

    private final PgException ended;
    private PgException notSent;
    private PgException didNotTakeEffect;
    private PgException rolledBack;
    private PgException onlyTheSession;
    private PgException unknown;

    private LostExchanges(PgException ended) {
        this.ended = ended;
    }

    /**
     * The failure each of {@code inFlight} (in FIFO order, head first) is told when the session ended with
     * {@code ended}; {@code transactionStatus} is the last ReadyForQuery's, {@code mayHaveLeft} tells whether any of
     * a write buffer may have reached the socket. A failure that is no {@link PgClosedException} is everyone's as is.
     */
    static PgException[] tell(PgException ended, Exchange[] inFlight, char transactionStatus, LongPredicate mayHaveLeft) {
        PgException[] told = new PgException[inFlight.length];
        if (!(ended instanceof PgClosedException)) {
            java.util.Arrays.fill(told, ended);
            return told;
        }
        LostExchanges kinds = new LostExchanges(ended);
        boolean[] sent = new boolean[inFlight.length];
        for (int i = 0; i < inFlight.length; i++) {
            sent[i] = inFlight[i].executionWritten() && mayHaveLeft.test(inFlight[i].executionBatch());
        }
        boolean[] mayBeEndedAfter = new boolean[inFlight.length];
        for (int i = inFlight.length - 2; i >= 0; i--) {
            mayBeEndedAfter[i] = mayBeEndedAfter[i + 1] || (sent[i + 1] && inFlight[i + 1].mayEndTransaction());
        }
        ServerErrorFields fields = ended.serverFields();
        boolean serverEnded = serverEndedItFirst(fields);
        boolean serverReadNoMore = fields.endsSession() && fields.code() != null && !connectionException(fields);
        boolean statusKnown = true;
        char status = transactionStatus;
        boolean unknownAhead = false;
        for (int i = 0; i < inFlight.length; i++) {
            Exchange exchange = inFlight[i];
            // a statement that carried its transaction's BEGIN in front (DeferredBegin) ran, if at all, inside the block
            // that BEGIN opened in its own Sync group, whatever the last ReadyForQuery said (REVIEW-26 R26-5)
            char statusAtIt = exchange.carriesBegin() ? 'T' : status;
            boolean inBlock = (statusKnown || exchange.carriesBegin()) && (statusAtIt == 'T' || statusAtIt == 'E')
                    && !exchange.mayEndTransaction();
            if (exchange.mayEndTransaction()) {
                statusKnown = false; // after it, a block may be open or not: nothing behind it is taken as inside one
            }
            PgException serverFailed = sent[i] ? exchange.failedOnServer() : null;
            if (!exchange.runsAStatement()) {
                told[i] = unknownAhead ? kinds.unknown() : ended;
            } else if (!sent[i]) {
                told[i] = kinds.notSent();
            } else if (serverFailed != null && !(statusAtIt == 'I' && exchange.mayCommitInside())) {
                told[i] = kinds.failedOnServer(serverFailed);
            } else if (i == 0 ? serverEnded && !exchange.completedAny() && !(statusAtIt == 'I' && exchange.mayCommitInside())
                    : serverReadNoMore) {
                told[i] = kinds.didNotTakeEffect();
            } else if (inBlock && !mayBeEndedAfter[i]) {
                told[i] = kinds.rolledBack();
            } else if (exchange.changesOnlyTheSession()) {
                told[i] = kinds.onlyTheSession();
            } else {
                told[i] = kinds.unknown();
            }
            unknownAhead |= told[i] instanceof PgOutcomeUnknownException;
        }
        return told;
    }

    /**
     * The failure of a request submitted after the session ended ({@code closed}: the session's closed error, as
     * {@link #tell} gets it): it was never sent, and says so as one still queued at the end does — a plain
     * "connection ... closed: ... FATAL ..." would not tell it from one the server may have run. An unknown outcome
     * ({@link #tell} gives one to a place behind a statement that has one) stays as it is.
     */
    static PgException submittedAfterTheEnd(PgException closed) {
        return closed instanceof PgClosedException && !(closed instanceof PgOutcomeUnknownException)
                ? new LostExchanges(closed).notSent() : closed;
    }

    /**
     * Whether the session ended on the server's own FATAL, which PostgreSQL raises only before a commit:
     * {@code CommitTransaction} holds interrupts ({@code HOLD_INTERRUPTS}) from before the commit record
     * to its end, and a failure after the record is a PANIC; so a FATAL answering a statement (57P01 from
     * a terminate or a fast/smart shutdown, 25P03/25P04/57P05 sent before the statement was read) means it
     * did not commit (REVIEW-9 F4). Not a PANIC, nor a FATAL of class 08 (connection exception): that is
     * a pooler's or proxy's word about the server connection it lost (pgbouncer's "server conn
     * crashed?"), which says nothing of what ran.
     */
    static boolean serverEndedItFirst(ServerErrorFields fields) {
        return fields.endsSession() && !"PANIC".equals(fields.severity()) && fields.code() != null && !connectionException(fields);
    }

    private static boolean connectionException(ServerErrorFields fields) {
        return fields.code() != null && fields.code().startsWith("08");
    }

    private PgException notSent() {
        if (notSent == null) {
            notSent = plain("; the statement was not sent, so it did not run");
        }
        return notSent;
    }

    private PgException didNotTakeEffect() {
        if (didNotTakeEffect == null) {
            didNotTakeEffect = plain("; the server ended the session before the statement completed, so it did not take effect");
        }
        return didNotTakeEffect;
    }

    /** Its own, with the server's error as the cause: the caller still gets the 23505 it would have got. */
    private PgException failedOnServer(PgException serverError) {
        PgClosedException told = new PgFailedThenClosedException((PgClosedException) ended, serverError);
        told.setStackTrace(ended.getStackTrace());
        return told;
    }

    private PgException rolledBack() {
        if (rolledBack == null) {
            rolledBack = plain("; the statement was sent inside a transaction block, which ends with the session"
                    + " without committing, so it did not take effect");
        }
        return rolledBack;
    }

    private PgException onlyTheSession() {
        if (onlyTheSession == null) {
            onlyTheSession = plain("; the statement could change only the session, which has ended, so nothing of it remains:"
                    + " it can be repeated on a new connection");
        }
        return onlyTheSession;
    }

    private PgException unknown() {
        if (unknown == null) {
            unknown = new PgOutcomeUnknownException((PgClosedException) ended);
        }
        return unknown;
    }

    /** {@code ended} with {@code why} on its first line; its fields and cause kept (a plain {@link PgClosedException}). */
    private PgException plain(String why) {
        PgClosedException told = new PgClosedException(ended.host(), ErrorMessageLines.addedToFirstLine(ended.getMessage(), why),
                ended.serverFields(), ended.getCause());
        told.setStackTrace(ended.getStackTrace());
        return told;
    }
}
