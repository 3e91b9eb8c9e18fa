package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.query.TransactionOptions;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The transaction {@link PgConnSessions#inTransaction} holds open on this thread while its work runs, one per
 * {@link ConnectionFactory} (as Spring binds a transaction's connection to the thread per {@code DataSource}), so
 * that an {@code inTransaction} called again inside that work joins it — Spring's {@code REQUIRED} — instead of
 * borrowing a second session from the same pool: with every session lent to a caller that waits for a second one,
 * that was a pool deadlock, for ever under the default {@code pg.conn.pool.max-acquire-time} of 0 (a pool of one:
 * the first nested call). A joined work's failure marks the transaction rollback-only, as Spring's participating
 * transactions do: its writes cannot be told apart from the outer work's. A {@code withSession} called inside that work
 * works in the transaction too (session 22; before, the same pool deadlock), on a view of its session that refuses to
 * end it ({@link #lendToWithSession}).
 */
final class ThreadBoundTransaction {

    private static final ThreadLocal<Map<ConnectionFactory, ThreadBoundTransaction>> BOUND = new ThreadLocal<>();

    private final ConnectionFactory connectionFactory;

    private final PgConnection session;

    private final TransactionOptions options;

    /** The first failure a joined work threw; set: the transaction is rolled back, never committed. */
    private @Nullable Throwable rollbackOnly;

    private ThreadBoundTransaction(ConnectionFactory connectionFactory, PgConnection session, TransactionOptions options) {
        this.connectionFactory = connectionFactory;
        this.session = session;
        this.options = options;
    }

    /** The transaction an {@code inTransaction} over {@code connectionFactory} holds open on this thread, if any. */
    static @Nullable ThreadBoundTransaction current(ConnectionFactory connectionFactory) {
        Map<ConnectionFactory, ThreadBoundTransaction> bound = BOUND.get();
        return bound == null ? null : bound.get(connectionFactory);
    }

    /**
     * The transaction bound to this thread whose session is {@code session} (or the {@link TransactionSessionView} of
     * it {@code withSession} lent), if any ({@code inSavepoint}'s).
     */
    static @Nullable ThreadBoundTransaction on(PgConnection session) {
        Map<ConnectionFactory, ThreadBoundTransaction> bound = BOUND.get();
        if (bound != null) {
            PgConnection underlying = TransactionSessionView.underlying(session);
            for (ThreadBoundTransaction transaction : bound.values()) {
                if (transaction.session == underlying) {
                    return transaction;
                }
            }
        }
        return null;
    }

    /** The failure that made it rollback-only, or null: for {@link #restoreMark} after a savepoint rolled back to. */
    @Nullable Throwable mark() {
        return this.rollbackOnly;
    }

    /**
     * A {@code ROLLBACK TO SAVEPOINT} undid what ran since the savepoint, a joined work that failed there included:
     * the mark goes back to what it was when the savepoint was set (REVIEW-21 ST-1; Spring resets rollback-only there
     * too), so a part the savepoint kept apart does not roll the whole transaction back.
     */
    void restoreMark(@Nullable Throwable atTheSavepoint) {
        this.rollbackOnly = atTheSavepoint;
    }

    /** Binds the transaction {@code session} was just begun in to this thread, until {@link #unbind()}. */
    static ThreadBoundTransaction bind(ConnectionFactory connectionFactory, PgConnection session, TransactionOptions options) {
        Map<ConnectionFactory, ThreadBoundTransaction> bound = BOUND.get();
        if (bound == null) {
            bound = new IdentityHashMap<>();
            BOUND.set(bound);
        }
        ThreadBoundTransaction transaction = new ThreadBoundTransaction(connectionFactory, session, options);
        bound.put(connectionFactory, transaction);
        return transaction;
    }

    /**
     * Takes the transaction over {@code connectionFactory} off this thread for {@code withOwnSession} (Spring's
     * {@code REQUIRES_NEW} suspends it too): until {@link #resume()}, a call on this thread joins nothing. Returns it,
     * or {@code null} when none was bound.
     */
    static @Nullable ThreadBoundTransaction suspend(ConnectionFactory connectionFactory) {
        ThreadBoundTransaction transaction = current(connectionFactory);
        if (transaction != null) {
            transaction.unbind();
        }
        return transaction;
    }

    /** Binds this transaction to this thread again, after {@link #suspend}. */
    void resume() {
        Map<ConnectionFactory, ThreadBoundTransaction> bound = BOUND.get();
        if (bound == null) {
            bound = new IdentityHashMap<>();
            BOUND.set(bound);
        }
        bound.put(this.connectionFactory, this);
    }

    /** When the outer work ended: a later call on this thread begins a transaction of its own. */
    void unbind() {
        Map<ConnectionFactory, ThreadBoundTransaction> bound = BOUND.get();
        if (bound != null && bound.get(this.connectionFactory) == this) {
            bound.remove(this.connectionFactory);
            if (bound.isEmpty()) {
                BOUND.remove();
            }
        }
    }

    /**
     * Runs a nested {@code inTransaction}'s work in this transaction: no BEGIN or COMMIT of its own, its exception
     * rethrown as it is and the transaction marked rollback-only. Options that name what this transaction was not
     * begun with (as its own options named it) are refused before the work runs.
     */
    <T> T join(TransactionOptions nested, Function<? super PgConnection, ? extends T> work) {
        refuseOptionsItDoesNotHave(nested);
        try {
            return work.apply(this.session);
        } catch (Throwable failure) {
            if (this.rollbackOnly == null) {
                this.rollbackOnly = failure;
            }
            throw failure;
        }
    }

    /**
     * Runs the work of a {@code withSession} called inside this transaction's work on this thread: on the transaction's
     * session, as Spring's {@code DataSourceUtils.getConnection} hands the transaction-bound connection — so it sees the
     * transaction's uncommitted writes, and its own commit or roll back with the transaction — through a
     * {@link TransactionSessionView}, whose commit, rollback, close and begin are refused. Its exception is rethrown as
     * it is and does not mark the transaction rollback-only: {@code withSession} is no transaction boundary (its
     * statements stay, as each commits on its own outside a transaction, and as a {@code JdbcTemplate} call's in a
     * Spring transaction); a statement the server refused has failed the transaction anyway.
     */
    <T> T lendToWithSession(Function<? super PgConnection, ? extends T> work) {
        return work.apply(new TransactionSessionView(this.session));
    }

    /**
     * After the outer work returned: when a joined work failed (and the outer work caught it), the transaction must not
     * commit — the {@link IllegalStateException} to throw so that the caller's hand-back rolls it back, the joined
     * failure its cause; else {@code null}.
     */
    @Nullable IllegalStateException rollbackOnly() {
        Throwable nested = this.rollbackOnly;
        return nested == null ? null : new IllegalStateException("the transaction on " + this.session + " is rolled back,"
                + " not committed: the work of a nested PgConnSessions.inTransaction, which joined it, threw "
                + nested.getClass().getName() + ", and the outer work returned — the nested work's writes cannot be kept"
                + " apart from the rest. For a part that may fail on its own, use inSavepoint", nested);
    }

    private void refuseOptionsItDoesNotHave(TransactionOptions nested) {
        List<String> missing = new ArrayList<>();
        if (nested.isolationLevel() != null && nested.isolationLevel() != this.options.isolationLevel()) {
            missing.add("isolation level " + nested.isolationLevel());
        }
        if (nested.readOnly() != null && !nested.readOnly().equals(this.options.readOnly())) {
            missing.add(nested.readOnly() ? "read only" : "read write");
        }
        if (nested.deferrable() != null && !nested.deferrable().equals(this.options.deferrable())) {
            missing.add(nested.deferrable() ? "deferrable" : "not deferrable");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("a nested PgConnSessions.inTransaction asks for " + String.join(", ", missing)
                    + ", but it joins the transaction its caller's inTransaction began on this thread (" + this.options.beginSql()
                    + "): name the same options as the outer call, or none (a transaction of its own needs a call outside"
                    + " the outer call's work)");
        }
    }
}
