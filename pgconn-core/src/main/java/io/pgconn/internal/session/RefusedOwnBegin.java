package io.pgconn.internal.session;

import io.pgconn.PgServerTurnedReadOnlyException;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.TransactionEndText;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A transaction an own {@code BEGIN READ WRITE} opened on a server that had reported turning read-only, which pgconn
 * rolls back at once ({@link OwnReadWriteBegins}) — the own-BEGIN counterpart of a refused {@code DeferredBegin}. What
 * was queued behind the BEGIN up to the transaction's end was the transaction's: {@link #takeTheTransaction taken} and
 * refused unsent. Until that end is submitted (it was not queued yet) {@link #refusesAdded a COMMIT added} is refused
 * too, and a request that ends or begins a transaction ends the refusal. The BEGIN fails once pgconn's ROLLBACK is
 * answered ({@link #rolledBackBy}). Event loop only.
 */
final class RefusedOwnBegin {

    private final String host;
    private final Exchange begin;
    /** What was queued behind the BEGIN and belonged to the transaction ({@link #takeTheTransaction}). */
    private final List<Exchange> taken = new ArrayList<>();
    /** The transaction's end was not among what was taken: a COMMIT added now would end it. */
    private boolean endToCome = true;
    /** {@link #rolledBackBy}'s ROLLBACK is not answered yet. */
    private boolean rollbackPending;

    RefusedOwnBegin(String host, Exchange begin) {
        this.host = host;
        this.begin = begin;
    }

    /**
     * Takes out of {@code behind} (what waited unwritten behind the BEGIN, in order) the transaction's requests ({@link
     * #taken}), to be refused unsent: up to the first that definitely ends it ({@link TransactionEndText#endsTransaction}:
     * not a savepoint's rollback, an {@code AND CHAIN}, a {@code CASE ... END}; REVIEW-34 R34-1), that end included —
     * unless it is a plain rollback, which then runs after pgconn's ROLLBACK (the server only warns) and completes as
     * asked. So nothing of the rolled-back
     * transaction runs outside it, and a pipelined COMMIT or {@code commit()} fails instead of reporting committed work
     * that never ran (REVIEW-33b R33b-1: it ran the statements in autocommit and the COMMIT succeeded with the server's
     * warning). A request that runs no statement (the in-flight end a blocking caller waits on) or is the session's own
     * (the type lookup, {@link TypeOidRefresh}) keeps its place.
     */
    void takeTheTransaction(Iterator<Exchange> behind) {
        while (behind.hasNext()) {
            Exchange held = behind.next();
            if (!held.runsAStatement() || held instanceof TypeOidRefresh) {
                continue;
            }
            String text = held.text();
            boolean end = TransactionEndText.endsTransaction(text);
            if (end && TransactionEndText.isPlainRollback(text)) {
                endToCome = false;
                break;
            }
            behind.remove();
            taken.add(held);
            if (end) {
                endToCome = false;
                break;
            }
        }
    }

    /** What {@link #takeTheTransaction} took, in order: each is refused unsent ({@link #notSent}) with the BEGIN ({@link #rolledBackBy}). */
    List<Exchange> taken() {
        return taken;
    }

    /** Whether the transaction's end is still to be submitted ({@link #refusesAdded} has work to do). */
    boolean endToCome() {
        return endToCome;
    }

    /**
     * {@code added}, a request that runs a statement, was submitted after the BEGIN's answer was read and before the
     * transaction's end ({@link #endToCome}): a COMMIT ({@code COMMIT}/{@code END} text that {@link
     * TransactionEndText#endsTransaction ends a transaction}, {@code commit()}; not {@code COMMIT PREPARED}, which ends
     * none and is sent: REVIEW-34 R34-3) is refused —
     * the transaction it would end was rolled back, and sent it would succeed with the server's warning (REVIEW-33b
     * R33b-1: a pipelined {@code commit()} submitted while the answer was being read) — and ends the refusal, as a
     * rollback, a BEGIN or a transaction begun with its first statement ({@code deferredOpen}) does; other statements run
     * under the server's read-only default. Only a definite end ends the refusal (R34-1): a savepoint's rollback or a
     * {@code CASE ... END} does not.
     *
     * @return whether {@code added} is refused ({@link #notSent})
     */
    boolean refusesAdded(Exchange added, boolean deferredOpen) {
        if (added instanceof TypeOidRefresh) {
            return false;
        }
        String text = added.text();
        if (TransactionEndText.endsTransaction(text)) {
            endToCome = false;
            return TransactionEndText.isCommit(text);
        }
        if (TransactionEndText.isBegin(text) || deferredOpen) {
            endToCome = false;
        }
        return false;
    }

    /** The failure of a request of the transaction, refused unsent. */
    PgServerTurnedReadOnlyException notSent() {
        return PgServerTurnedReadOnlyException.notSentAfterRolledBackBegin(host);
    }

    /**
     * {@code rollback}, written first, ends the transaction: the BEGIN, then what was {@link #taken}, fail once it is
     * answered — the caller then sees the session idle (REVIEW-34 R34-2: a refused {@code commit()} failed while
     * {@code transactionStatus()} still said {@code IN_TRANSACTION}, and a rollback of that sent a second ROLLBACK) —
     * or once the session ended before that, in words that do not call the session idle (REVIEW-33b R33b-3). Meanwhile
     * the BEGIN {@link #awaitsItsRollback awaits it}.
     */
    void rolledBackBy(SimpleQuery rollback) {
        rollbackPending = true;
        rollback.result.whenComplete((result, failure) -> {
            rollbackPending = false;
            begin.fail(failure == null ? PgServerTurnedReadOnlyException.rolledBackAtBegin(host)
                    : PgServerTurnedReadOnlyException.endedBeforeItsRollback(host, failure));
            for (Exchange held : taken) {
                held.fail(notSent()); // not sent, whether the ROLLBACK was answered or the session ended first
            }
        });
    }

    /**
     * Whether {@code exchange} is the refused BEGIN, answered by the server, or one {@link #taken} unsent, each failed
     * only once pgconn's ROLLBACK is answered: a timeout then has nothing to stop, and its caller gets the refusal (REVIEW-33b R33b-3: "timed out while
     * queued behind 1 request", the ROLLBACK).
     */
    boolean awaitsItsRollback(Exchange exchange) {
        return rollbackPending && (exchange == begin || taken.contains(exchange));
    }

    /** Whether the BEGIN still awaits pgconn's ROLLBACK ({@link #awaitsItsRollback(Exchange)}). */
    boolean awaitsItsRollback() {
        return rollbackPending;
    }
}
