package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.ConnectionFactory;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a {@link PgConnSessions} call made inside another call's work joins instead of borrowing a second session:
 * the transaction an enclosing {@code inTransaction} bound to this thread ({@link ThreadBoundTransaction}), else the
 * session an enclosing {@code withSession} or {@code withOwnSession} bound to it ({@link ThreadBoundSession}) — over the
 * same {@link ConnectionFactory} only. A second session would deadlock a pool whose every session is held by such a
 * caller (a pool of one at the first nested call). A call with nothing bound borrows, as its caller says; so does a
 * call on another thread (what is bound is the thread's, as Spring's transactions are) and {@code withOwnSession}.
 *
 * <ul>
 * <li>An {@code inTransaction} called inside {@code inTransaction}'s work, on the same thread and over the same
 *     {@link ConnectionFactory}, joins the transaction (Spring's {@code REQUIRED}): its work gets the same session, in
 *     the same transaction, with no {@code BEGIN} or {@code COMMIT} of its own; the outer call commits. Its exception
 *     is rethrown as it is, and marks the transaction rollback-only: outer work that catches it and returns gets an
 *     {@link IllegalStateException} (the nested failure its cause) and the transaction is rolled back, as Spring's
 *     {@code UnexpectedRollbackException} — use {@link PgConnSessions#inSavepoint} for a part that may fail on its own. Nested
 *     options that name an isolation level, read-only or deferrable other than the outer call's options name are
 *     refused with an {@link IllegalStateException} before the nested work runs. A nested failure inside an
 *     {@link PgConnSessions#inSavepoint} that rolled back to its savepoint does not mark it: the savepoint undid it (as Spring resets
 *     rollback-only there). (Before, a nested call borrowed a second session: a pool whose every session was lent to
 *     such a caller waited for ever, a pool of one at the first nested call.)</li>
 * <li>A {@link PgConnSessions#withSession} called inside {@code inTransaction}'s work, on the same thread and over the same
 *     {@link ConnectionFactory}, works in that transaction too (session 22; before, it borrowed a second session: the
 *     same pool deadlock). <b>Behaviour change (session 22):</b> its writes used to commit on their own, also when the
 *     outer transaction rolled back; now they commit or roll back with it — {@link PgConnSessions#withOwnSession} keeps the old
 *     behaviour, as Spring's {@code REQUIRES_NEW}. Its work gets the transaction's session — it sees the transaction's uncommitted writes, and
 *     its own commit or roll back with the transaction, as Spring's {@code DataSourceUtils.getConnection} hands the
 *     transaction-bound connection — through a view whose {@code commit()}, {@code rollback()}, {@code close()} and
 *     {@code begin()} return a future failed with an {@link IllegalStateException} and leave the transaction as it was
 *     (a {@code COMMIT} run as SQL is not refused: the enclosing call then says its work ended the transaction, as
 *     {@link PgConnSessions}' class comment says). Its exception is rethrown as it is and marks nothing: {@code withSession} is no transaction boundary, so
 *     outer work that catches it and returns commits its writes, as a {@code JdbcTemplate} call's in a Spring
 *     transaction. Savepoints on that session ({@link PgConnSessions#inSavepoint}) work.</li>
 * <li>A {@link PgConnSessions#withSession} called inside another {@code withSession}'s or {@link PgConnSessions#withOwnSession}'s work, on the same
 *     thread and over the same {@link ConnectionFactory} (no {@code inTransaction} between), joins that call's session
 *     (session 23), as if it had been passed down: it sees the outer work's writes, uncommitted ones of a transaction
 *     the outer work began itself too, through a view that refuses only {@code close()}, which would end the outer
 *     call's session under it; nothing is checked or handed back after it. <b>Behaviour change (session 23):</b> it
 *     borrowed a second session — a pool of one waited for ever at the first nested call — that did not see the
 *     outer's uncommitted writes; {@link PgConnSessions#withOwnSession} still borrows one of its own.</li>
 * <li>An {@code inTransaction} called inside {@code withSession}'s or {@link PgConnSessions#withOwnSession}'s work, on the same thread
 *     and over the same {@link ConnectionFactory}, runs its transaction on that call's session (session 24): its
 *     {@code BEGIN}, its work and its {@code COMMIT} — or {@code ROLLBACK} when the work throws — all there, as if the
 *     session had been passed down to an {@code inTransaction} taking one; the enclosing call hands the session back
 *     afterwards. A failed inner transaction is rolled back and its exception rethrown as it is; outer work that catches
 *     it goes on, on the same session, and what it ran outside the inner transaction stays (each statement committed on
 *     its own). Outer work that throws after the inner call returned does not undo the inner commit:
 *     {@code withSession} is no transaction boundary (make the outer call {@code inTransaction}, and the inner one
 *     joins it, as above). When the enclosing work left the session in a transaction of its own ({@code begin()}),
 *     the call is refused with an {@link IllegalStateException} before its work runs. <b>Behaviour change (session
 *     24):</b> it borrowed a second session — a pool of one waited until {@code pg.conn.pool.max-acquire-time} (for ever
 *     under the default 0) at the first such call.</li>
 * </ul>
 */
final class NestedCalls {

    private final ConnectionFactory connectionFactory;

    private final Duration rollbackWait;

    NestedCalls(ConnectionFactory connectionFactory, Duration rollbackWait) {
        this.connectionFactory = connectionFactory;
        this.rollbackWait = rollbackWait;
    }

    /**
     * {@code withSession}'s {@code work} in the transaction bound to this thread (on a view that refuses to commit, roll
     * back, close or begin), else on the session an enclosing call bound to it (on a view that refuses close), else
     * {@code borrowed}'s result: a session of its own.
     */
    <T> T withSession(Function<? super PgConnection, ? extends T> work, Supplier<T> borrowed) {
        ThreadBoundTransaction transaction = ThreadBoundTransaction.current(this.connectionFactory);
        if (transaction != null) {
            return transaction.lendToWithSession(work);
        }
        PgConnection outer = ThreadBoundSession.current(this.connectionFactory);
        if (outer != null) {
            return work.apply(TransactionSessionView.ofOuterSession(outer));
        }
        return borrowed.get();
    }

    /**
     * {@code inTransaction}'s {@code work} joining the transaction bound to this thread ({@code options} checked against
     * its own), else its {@code transaction} (BEGIN, the work, COMMIT) on the session an enclosing call bound to it,
     * handed back as a borrowed one would be but not released; else {@code borrowed}'s result.
     */
    <T> T inTransaction(TransactionOptions options, Function<? super PgConnection, ? extends T> work,
            Function<PgConnection, T> transaction, Supplier<T> borrowed) {
        ThreadBoundTransaction outer = ThreadBoundTransaction.current(this.connectionFactory);
        if (outer != null) {
            return outer.join(options, work);
        }
        PgConnection lent = ThreadBoundSession.current(this.connectionFactory);
        if (lent != null) {
            refuseATransactionTheWorkBegan(lent);
            return BorrowedSession.onJoined(lent, this.rollbackWait, transaction);
        }
        return borrowed.get();
    }

    /**
     * An {@code inTransaction} inside {@code withSession}'s work runs on that call's session — unless that work began a
     * transaction of its own there ({@code begin()}, {@code BEGIN} as SQL): a BEGIN inside it would begin nothing and
     * the COMMIT after the work would end the enclosing work's transaction under it, so the call is refused before its
     * work runs (waited for what the work submitted, at most {@code rollbackWait}: a {@code begin()} not waited for).
     */
    private void refuseATransactionTheWorkBegan(PgConnection lent) {
        TransactionStatus status = CoreFutureWait.awaitAtMost(lent.transactionStatusAfterInFlight(), this.rollbackWait,
                () -> "the status of " + lent + " (a statement of the enclosing work still running, or a stream it left open and unread?)");
        if (status != TransactionStatus.IDLE) {
            throw new IllegalStateException("PgConnSessions.inTransaction inside withSession's work runs on that call's"
                    + " session (" + lent + "), which its work left in a transaction of its own (" + status + "): a BEGIN"
                    + " there would begin nothing, and the COMMIT after the work would end the enclosing work's transaction"
                    + " under it. Commit or roll back before calling inTransaction, use inTransaction for the enclosing work"
                    + " (a nested call joins it), or inSavepoint for a part inside that transaction");
        }
    }

}
