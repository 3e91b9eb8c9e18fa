package io.pgconn.internal.session;

import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.internal.query.Exchange;

import java.util.Iterator;

/**
 * A session's own {@code BEGIN READ WRITE}s — the core's {@code begin(options)} with {@code readOnly(false)}, or the
 * application's SQL ({@link Exchange#opensReadWriteTransaction}) — on a {@code target_session_attrs=read-write}
 * session: the FIFO holds what is behind one unwritten until its answer ({@link #opensOne}), and when it opened a
 * transaction on a server that had reported turning read-only ({@link ServerReports#serverReadOnly}), that transaction
 * is {@link RefusedOwnBegin refused} (docs/query.md §5). Which requests it refuses is decided here; {@link ExchangeFifo}
 * moves them. Event loop only.
 */
final class OwnReadWriteBegins {

    private final PipelinedSession session;
    /**
     * The transaction status of the last ReadyForQuery the FIFO handled: the one before the head's own, so {@link
     * #refused} knows the head opened its transaction (not one open before it).
     */
    private char statusBeforeHead = 'I';
    /** The last refused transaction while its end is still to be submitted ({@link RefusedOwnBegin#refusesAdded}), else null. */
    private RefusedOwnBegin endToCome;
    /** The last refused transaction, until its ROLLBACK is answered ({@link #awaitsItsRollback}); null when none. */
    private RefusedOwnBegin rollingBack;

    OwnReadWriteBegins(PipelinedSession session) {
        this.session = session;
    }

    /**
     * Whether {@code exchange}, belonging to no transaction begun with its first statement, opens one {@code READ WRITE}
     * on a {@code read-write} session: what is behind it then waits for its answer. The text is read only there: other
     * sessions do not pay for it.
     */
    boolean opensOne(Exchange exchange) {
        return session.serverReports().readWriteTarget() && exchange.opensReadWriteTransaction();
    }

    /** The head's ReadyForQuery, with {@code status}: returns the status before it. */
    char headAnswered(char status) {
        if (rollingBack != null && !rollingBack.awaitsItsRollback()) {
            rollingBack = null; // failed by now: the FIFO keeps no answered exchange
        }
        char before = statusBeforeHead;
        statusBeforeHead = status;
        return before;
    }

    /**
     * The ReadyForQuery of {@code begin}, which {@link #opensOne opens a transaction READ WRITE}, with nothing behind it
     * written yet ({@code behind}: that, in order). When it opened a transaction (idle before it, open after it) and the
     * server had reported turning read-only by then, the server took that transaction although it is no longer the
     * read-write server the session asked for (its {@code READ WRITE} overrides the new default: NEW-USER-31 F3): the
     * transaction is refused, and what was behind the BEGIN up to its end {@link RefusedOwnBegin#takeTheTransaction taken
     * out of} {@code behind}. A text that opened and ended its transaction itself (status idle) is answered after the fact:
     * nothing to undo.
     *
     * @return the refused transaction, or null when the BEGIN stands
     */
    RefusedOwnBegin refused(Exchange begin, char statusBefore, char status, Iterator<Exchange> behind) {
        if (statusBefore != 'I' || status != 'T' || !session.serverReports().serverReadOnly()) {
            return null;
        }
        RefusedOwnBegin refused = new RefusedOwnBegin(session.host(), begin);
        refused.takeTheTransaction(behind);
        endToCome = refused.endToCome() ? refused : null;
        rollingBack = refused;
        return refused;
    }

    /** Whether {@code exchange} is a refused BEGIN that fails once pgconn's ROLLBACK is answered ({@link RefusedOwnBegin#awaitsItsRollback}). */
    boolean awaitsItsRollback(Exchange exchange) {
        RefusedOwnBegin refused = rollingBack;
        return refused != null && refused.awaitsItsRollback(exchange);
    }

    /**
     * {@code added} is being queued ({@code deferredOpen}: a transaction begun with its
     * first statement is open): a request that runs a statement meets this refusal while a refused transaction's end is still to come ({@link
     * RefusedOwnBegin#refusesAdded}), else null.
     */
    PgServerTurnedReadOnlyException refusal(Exchange added, boolean deferredOpen) {
        RefusedOwnBegin refused = endToCome;
        if (refused == null || !added.runsAStatement()) {
            return null; // the usual case: one field read
        }
        boolean refuses = refused.refusesAdded(added, deferredOpen);
        if (!refused.endToCome()) {
            endToCome = null;
        }
        return refuses ? refused.notSent() : null;
    }
}
