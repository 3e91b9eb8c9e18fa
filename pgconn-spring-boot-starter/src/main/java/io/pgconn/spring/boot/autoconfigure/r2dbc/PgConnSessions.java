package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.EventLoops;
import io.pgconn.PgConnection;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Blocking work on the core API with a session borrowed from the starter's R2DBC pool, for a Spring MVC
 * (or any blocking) application: {@link #withSession}, {@link #inTransaction} and {@link #inSavepoint}
 * (new user 8 F3: every team wrote this borrow / begin / commit / roll back / close helper, and a slip
 * in it leaked a pooled session inside a transaction).
 *
 * <pre>{@code
 * long id = sessions.inTransaction(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE), c -> {
 *     c.query("UPDATE account SET balance = balance - $1 WHERE id = $2", amount, from).join();
 *     return c.query("INSERT INTO transfer (amount) VALUES ($1) RETURNING id", amount).join().single(Long.class);
 * });
 * }</pre>
 *
 * <ul>
 * <li>The session is always handed back, idle: a transaction is committed when the work returns and
 *     rolled back when it throws anything, an {@link Error} included (the work's exception is rethrown
 *     as it is, a failed rollback's attached as suppressed). A session whose rollback failed, or that is
 *     still in a transaction for any other reason, is closed, so the pool drops it instead of lending it
 *     again; so is one whose {@code ROLLBACK} is not answered within {@code rollbackWait}
 *     ({@link #DEFAULT_ROLLBACK_WAIT}): a statement the work left running, or a stream it left open and
 *     unread, holds it back — for ever, for the stream. The same holds a {@code COMMIT} back: one not
 *     answered within {@code commitWait} ({@link #DEFAULT_COMMIT_WAIT}) closes the session too, and is thrown
 *     as an {@link IllegalStateException} saying that whether the transaction committed is unknown.</li>
 * <li>{@link #inTransaction}'s work runs in the transaction it is given: work that ends it — its own {@code commit()}
 *     or {@code rollback()}, a {@code COMMIT} run as SQL — and returns or throws outside a transaction fails with an
 *     {@link IllegalStateException} saying so (attached as suppressed, with a WARN, to an exception the work threw):
 *     what it ran after that committed statement by statement, and nothing was rolled back (NEW-USER-20 F15). Work
 *     that commits and {@code begin()}s again ("commit every N rows") is committed at its end, its last part rolled
 *     back when it throws, as pgjdbc with auto-commit off.</li>
 * <li>A call inside another call's work, on the same thread and over the same {@link ConnectionFactory}, borrows no
 *     second session (one would deadlock a pool whose every session is so held, a pool of one at once): it joins what
 *     the enclosing call holds (class {@code NestedCalls}; docs/starter.md §2b). {@code inTransaction} inside
 *     {@code inTransaction} joins its transaction (Spring's {@code REQUIRED}: its exception marks it rollback-only,
 *     options naming something the outer call's do not are refused); {@code withSession} inside {@code inTransaction}
 *     works in that transaction, through a view that refuses commit, rollback, close and begin, and marks nothing;
 *     {@code withSession} inside {@code withSession} or {@link #withOwnSession} gets that call's session through a view
 *     that refuses close; {@code inTransaction} inside {@code withSession} or {@code withOwnSession} runs its
 *     transaction on that call's session, refused when the enclosing work left it in a transaction of its own.
 *     {@link #withOwnSession} always borrows (Spring's {@code REQUIRES_NEW}), and a call on another thread is in no
 *     transaction of this one: it borrows a session of its own, which does not see the transaction's uncommitted
 *     writes (outer work that waits for it while every session is so held deadlocks the pool: pass the
 *     {@link PgConnection} down instead).</li>
 * <li>Transaction control is the core API's ({@link PgConnection#beginWithFirstStatement(TransactionOptions)},
 *     {@code commit()}, {@code rollback()}), so its failures are the core's {@link io.pgconn.PgException}s,
 *     as the work's own: a commit PostgreSQL answered with {@code ROLLBACK} is a
 *     {@link io.pgconn.PgTransactionRolledBackException}, a serialization failure at commit a
 *     {@link io.pgconn.PgServerException} with SQLSTATE 40001. A session lost before the {@code COMMIT} was sent is a
 *     plain {@link io.pgconn.PgClosedException} "…; the COMMIT was not sent: the transaction did not commit"; one lost
 *     after, before its answer, a {@link io.pgconn.PgCommitOutcomeUnknownException}; one lost while a statement the work
 *     left unawaited may have committed (its own {@code commit()} sent, its answer lost) an {@link
 *     io.pgconn.PgOutcomeUnknownException}. Any {@code PgClosedException} that is no {@code PgOutcomeUnknownException}
 *     did not take effect: {@code inTransaction} committed nothing (but what the work committed itself, awaited: its
 *     own {@code commit()}, a {@link #withOwnSession} inside it), and the call may be repeated. Nothing is retried here: the work is the application's, run again from its start
 *     (the starter README's PgConnSessions section).</li>
 * <li>A borrow the pool cannot serve throws a core {@link io.pgconn.PgException} too, never r2dbc-pool's R2DBC
 *     exception: the connect's own failure as the core threw it ({@link io.pgconn.PgConnectException},
 *     {@link io.pgconn.PgTlsException}, {@link io.pgconn.PgAuthenticationException} ...), or, when the acquire timed
 *     out ({@code pg.conn.pool.max-acquire-time}, tried 1 + {@code acquire-retry} times), a
 *     {@link io.pgconn.PgTimeoutException} saying how long the borrow waited, what the pool held and what the
 *     factory last learned of each host, r2dbc-pool's exception its cause.</li>
 * <li>Every method blocks its thread, so each refuses to run on a Netty event loop (pgconn's, Reactor
 *     Netty's) or a Reactor non-blocking thread ({@code parallel}, {@code single}) with an
 *     {@link IllegalStateException} naming the thread, before borrowing anything: there it would stall
 *     every connection of that loop. Reactive code uses the R2DBC {@code ConnectionFactory},
 *     {@code DatabaseClient} and {@code @Transactional} on Boot's {@code R2dbcTransactionManager}.</li>
 * </ul>
 *
 * <p>This is not a Spring {@code TransactionManager}: a second one next to Boot's reactive
 * {@code R2dbcTransactionManager} would make every {@code @Transactional} without a qualifier fail with
 * "expected single matching bean but found 2" (docs/starter.md §2b). A borrow waits as long as the pool
 * lets it ({@code pg.conn.pool.max-acquire-time}).
 */
public final class PgConnSessions {

    private static final Log logger = LogFactory.getLog(PgConnSessions.class);

    /** How long a rollback may take before the session counts as in an unknown state and is closed. */
    public static final Duration DEFAULT_ROLLBACK_WAIT = Duration.ofSeconds(10);

    /**
     * How long a {@code COMMIT} may go unanswered before the session counts as in an unknown state and is closed:
     * longer than {@link #DEFAULT_ROLLBACK_WAIT}, as a commit also runs deferred constraint checks and triggers and
     * may wait for synchronous standbys.
     */
    public static final Duration DEFAULT_COMMIT_WAIT = Duration.ofSeconds(60);

    private final ConnectionFactory connectionFactory;

    private final Duration rollbackWait;

    private final Duration commitWait;

    private final Function<Connection, PgConnection> unwrap;

    /** What a call inside another call's work on this thread joins. */
    private final NestedCalls nested;

    /** @param connectionFactory an R2DBC factory whose connections are pgconn sessions (the starter's pool) */
    public PgConnSessions(ConnectionFactory connectionFactory) {
        this(connectionFactory, DEFAULT_ROLLBACK_WAIT);
    }

    /**
     * @param rollbackWait how long a {@code ROLLBACK} may go unanswered before the session is closed instead
     *                     (a statement the work left running, or a stream it left open, holds it back)
     */
    public PgConnSessions(ConnectionFactory connectionFactory, Duration rollbackWait) {
        this(connectionFactory, rollbackWait, DEFAULT_COMMIT_WAIT);
    }

    /**
     * @param rollbackWait how long a {@code ROLLBACK} may go unanswered before the session is closed instead
     *                     (a statement the work left running, or a stream it left open, holds it back)
     * @param commitWait   how long the {@code COMMIT} after {@link #inTransaction}'s work may go unanswered: then
     *                     the session is closed, and whether the transaction committed is unknown (the same
     *                     causes hold it back)
     */
    public PgConnSessions(ConnectionFactory connectionFactory, Duration rollbackWait, Duration commitWait) {
        this(connectionFactory, rollbackWait, commitWait, PgConnUnwrap::pgConnection);
    }

    /** @param unwrap the session under a borrowed connection (a test's stand-in for {@link PgConnUnwrap}) */
    PgConnSessions(ConnectionFactory connectionFactory, Duration rollbackWait, Duration commitWait,
            Function<Connection, PgConnection> unwrap) {
        this.connectionFactory = connectionFactory;
        this.rollbackWait = positive("rollbackWait", rollbackWait);
        this.commitWait = positive("commitWait", commitWait);
        this.unwrap = unwrap;
        this.nested = new NestedCalls(connectionFactory, this.rollbackWait);
    }

    private static Duration positive(String name, Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException(name + " " + wait + ": expected a positive duration");
        }
        return wait;
    }

    /**
     * Runs {@code work} with a borrowed session outside a transaction (each statement commits on its own). Before
     * the session goes back, one round trip ({@code SELECT 1}, bounded by {@code rollbackWait}) checks that nothing
     * the work submitted is still in flight: a stream it left open and unread would hold every statement of the
     * session's next borrower back for ever. Unanswered, the session is closed, with a WARN (the work's result
     * stands; its answered statements took effect). Called inside {@link #inTransaction}'s work on this thread (over
     * the same {@link ConnectionFactory}), it borrows nothing: {@code work} runs in that transaction, on a view of its
     * session that refuses to commit, roll back, close or begin (see the class comment and docs/starter.md §2b), and
     * nothing is checked or handed back after it — the enclosing {@code inTransaction} does that. Called inside another {@code withSession}'s
     * or {@link #withOwnSession}'s work on this thread (no {@code inTransaction} open between), it borrows nothing either:
     * {@code work} runs on that call's session, as if it had been passed down, through a view that refuses only
     * {@code close()} (session 23; before, a second session: see the class comment).
     */
    public <T> T withSession(Function<? super PgConnection, ? extends T> work) {
        refuseOnANonBlockingThread("withSession");
        return this.nested.withSession(work, () -> BorrowedSession.lendForAnyWork(this.connectionFactory, this.unwrap,
                this.rollbackWait, session -> ThreadBoundSession.lendBound(this.connectionFactory, session, work)));
    }

    /**
     * {@link #withSession} that always borrows a session of its own, also inside {@link #inTransaction}'s work: its
     * statements commit on their own and stay when that transaction rolls back (an audit row, an "attempt failed"
     * record; Spring's {@code REQUIRES_NEW}) — what {@code withSession} did there before session 22. While its work
     * runs, the thread's transaction is suspended: a call inside it joins not that transaction but this call's session
     * (an {@code inTransaction} there begins a transaction of its own on it, session 24; a {@code withSession} there gets
     * it, not an outer {@code withSession}'s). It needs a second session from the pool while the caller holds one: with
     * every session so held (a pool of one: at once) the borrow waits for ever under the default
     * {@code pg.conn.pool.max-acquire-time} of 0.
     */
    public <T> T withOwnSession(Function<? super PgConnection, ? extends T> work) {
        refuseOnANonBlockingThread("withOwnSession");
        ThreadBoundTransaction suspended = ThreadBoundTransaction.suspend(this.connectionFactory);
        try {
            return BorrowedSession.lendForAnyWork(this.connectionFactory, this.unwrap, this.rollbackWait,
                    session -> ThreadBoundSession.lendBound(this.connectionFactory, session, work));
        } finally {
            if (suspended != null) {
                suspended.resume();
            }
        }
    }

    /** {@link #inTransaction(TransactionOptions, Function)} with the session's default isolation level and access mode. */
    public <T> T inTransaction(Function<? super PgConnection, ? extends T> work) {
        return inTransaction(TransactionOptions.DEFAULT, work);
    }

    /**
     * Runs {@code work} in one transaction begun as {@code options} say (isolation level, read only,
     * deferrable; a {@code null} field keeps the session's default) on a borrowed session: committed when
     * {@code work} returns, rolled back when it throws. Called inside another {@code inTransaction}'s work on this
     * thread (over the same {@link ConnectionFactory}), it joins that transaction instead, as Spring's
     * {@code @Transactional} with the default propagation {@code REQUIRED} does (see the class comment): the same
     * session, no commit of its own, a throw marks the transaction rollback-only, and {@code options} that name
     * something the outer call's options do not are refused — not a savepoint, which is {@link #inSavepoint} (Spring's
     * {@code NESTED}). Called inside {@link #withSession}'s (or {@link #withOwnSession}'s) work on this thread, it
     * borrows nothing: the transaction is begun, committed or rolled back on that call's session (session 24), which
     * must not be in a transaction its work began.
     */
    public <T> T inTransaction(TransactionOptions options, Function<? super PgConnection, ? extends T> work) {
        refuseOnANonBlockingThread("inTransaction");
        Function<PgConnection, T> transaction = session -> runInTransaction(session, options, work);
        return this.nested.inTransaction(options, work, transaction,
                () -> BorrowedSession.lend(this.connectionFactory, this.unwrap, this.rollbackWait, transaction));
    }

    /**
     * BEGIN on {@code session}, {@code work} with the transaction bound to this thread, COMMIT — or the throw that
     * makes the caller's hand-back roll it back. The BEGIN rides in the Sync group of the work's first statement
     * ({@link PgConnection#beginWithFirstStatement}; NEW-USER-25 F1: awaited on its own, it cost a round trip pgjdbc
     * does not pay): should it fail (a read-write transaction on a standby), that statement fails with its error and
     * nothing of the work runs outside the transaction; work that runs nothing sends neither BEGIN nor COMMIT.
     */
    private <T> T runInTransaction(PgConnection session, TransactionOptions options, Function<? super PgConnection, ? extends T> work) {
        CoreFutureWait.await(session.beginWithFirstStatement(options));
        ThreadBoundTransaction bound = ThreadBoundTransaction.bind(this.connectionFactory, session, options);
        T result;
        try {
            try {
                result = work.apply(session);
            } finally {
                bound.unbind();
            }
        } catch (Throwable failure) {
            if (endedTheTransaction(session)) {
                IllegalStateException ended = workEndedTheTransaction(session, "threw");
                logger.warn("pgconn: " + ended.getMessage());
                failure.addSuppressed(ended);
            }
            throw failure;
        }
        IllegalStateException rollbackOnly = bound.rollbackOnly();
        if (rollbackOnly != null && !endedTheTransaction(session)) { // else commit(...) says the work ended it
            throw rollbackOnly;
        }
        commit(session);
        return result;
    }

    /**
     * Whether the session is outside a transaction after {@link #inTransaction}'s work threw, once what the work
     * submitted is answered ({@link PgConnection#transactionStatusAfterInFlight()}: a {@code commit()} it did not wait
     * for too, REVIEW-20 R11): the work's own {@code commit()}, {@code rollback()} or {@code COMMIT}/{@code ROLLBACK}
     * run as SQL ended the one {@code inTransaction} began (a failed statement leaves it failed, not ended). Not
     * answered within {@code rollbackWait} (a stream left open and unread), or the session ended: not known, and the
     * hand-back's bounded ROLLBACK deals with the session.
     */
    private boolean endedTheTransaction(PgConnection session) {
        try {
            return !session.isClosed() && CoreFutureWait.awaitAtMost(session.transactionStatusAfterInFlight(),
                    this.rollbackWait, () -> "the status of " + session) == TransactionStatus.IDLE;
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    /**
     * NEW-USER-20 F15: what the work ran after it ended the transaction — a JDBC habit, "commit every N rows" — ran
     * outside one, each statement committed on its own, and there is nothing left for the hand-back to roll back:
     * said, instead of a "rolled back" transaction that silently kept its writes.
     */
    private static IllegalStateException workEndedTheTransaction(PgConnection session, String how) {
        return new IllegalStateException("the work of PgConnSessions.inTransaction on " + session + " " + how
                + " outside a transaction: it ended the one inTransaction began (a commit(), rollback(), or COMMIT or"
                + " ROLLBACK run as SQL), so what it ran after that was not part of it — each statement committed on its"
                + " own, and nothing was rolled back. Let inTransaction commit (inSavepoint for a part that may fail),"
                + " or begin() again after an own commit()");
    }

    /**
     * Bounded by {@code commitWait}: a statement the work left running, or a stream it left open and unread (for
     * ever), holds the COMMIT back. Unanswered, the session is closed — the lend then hands it back without a
     * ROLLBACK, which would wait behind the same — and whether the transaction committed is unknown. A session that
     * ended before the COMMIT was sent fails with a {@link io.pgconn.PgClosedException} saying "the COMMIT was not
     * sent: the transaction did not commit" ({@link CommitNotSent}) — unless a statement the work left unawaited (its
     * own {@code commit()}) had been sent and may have committed: then with that unknown outcome, as the core tells it.
     */
    private void commit(PgConnection session) {
        // the work's statements answered first (a commit() it did not wait for too, REVIEW-20 R11): a session they left
        // outside a transaction is the work's ending of it (NEW-USER-20 F15), not a COMMIT to send; a session that ended
        // meanwhile is a COMMIT never sent (NEW-USER-33 F2)
        CompletableFuture<Void> commit = session.transactionStatusAfterInFlight()
                .exceptionallyCompose(ended -> CompletableFuture.failedFuture(CommitNotSent.told(ended)))
                .thenCompose(status -> status == TransactionStatus.IDLE
                        ? CompletableFuture.<Void>failedFuture(workEndedTheTransaction(session, "returned"))
                        : session.commit());
        CoreFutureWait.awaitAtMost(commit, this.commitWait, () -> "COMMIT on " + session
                + " (a statement of the work still running, or a stream it left open and unread?)",
                ": whether the transaction committed is unknown; the session is closed", () -> BorrowedSession.invalidate(session));
    }

    /**
     * Runs {@code work} inside {@code SAVEPOINT name} on {@code session}, which is in a transaction (the
     * one {@link #inTransaction} lends): released when {@code work} returns; rolled back to and released
     * when it throws, which is rethrown — so the transaction goes on without {@code work}'s changes when
     * the caller catches it. The {@code ROLLBACK TO SAVEPOINT} and {@code RELEASE SAVEPOINT} after {@code work} are
     * waited for at most {@code rollbackWait}: a statement the work left running, or a stream it left open and
     * unread, holds them back; unanswered, the session is closed, its transaction with it.
     */
    public <T> T inSavepoint(PgConnection session, String name, Function<? super PgConnection, ? extends T> work) {
        refuseOnANonBlockingThread("inSavepoint");
        PgConnection underlying = TransactionSessionView.underlying(session); // closable when a step goes unanswered
        CoreFutureWait.await(underlying.setSavepoint(name));
        ThreadBoundTransaction bound = ThreadBoundTransaction.on(underlying);
        Throwable markAtTheSavepoint = bound == null ? null : bound.mark();
        T result;
        try {
            result = work.apply(session);
        } catch (Throwable failure) {
            try {
                afterSavepointWork(underlying.rollbackToSavepoint(name), "ROLLBACK TO SAVEPOINT " + name, underlying);
                if (bound != null) { // a nested inTransaction that failed in there was undone with the rest
                    bound.restoreMark(markAtTheSavepoint);
                }
                afterSavepointWork(underlying.releaseSavepoint(name), "RELEASE SAVEPOINT " + name, underlying);
            } catch (RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        afterSavepointWork(underlying.releaseSavepoint(name), "RELEASE SAVEPOINT " + name, underlying);
        return result;
    }

    /** Bounded as a ROLLBACK: unanswered (held back for ever by an unread stream), the session is closed. */
    private void afterSavepointWork(CompletableFuture<Void> step, String statement, PgConnection session) {
        CoreFutureWait.awaitAtMost(step, this.rollbackWait, () -> statement + " on " + session
                + " (a statement of the work still running, or a stream it left open and unread?)",
                ": the session is closed, its transaction with it", () -> BorrowedSession.invalidate(session));
    }

    /** Before anything is borrowed: the blocking waits below would stall an event loop, or Reactor refuses them. */
    static void refuseOnANonBlockingThread(String method) {
        String thread = Thread.currentThread().getName();
        if (EventLoops.inAnyEventLoop()) {
            throw new IllegalStateException("PgConnSessions." + method + " on an event loop thread (" + thread
                    + "): it blocks until the pool lends a session and the server answers, which would stall every"
                    + " connection of this loop; call it from a blocking thread (a servlet request's,"
                    + " Schedulers.boundedElastic()), or use the R2DBC ConnectionFactory / DatabaseClient here");
        }
        if (Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("PgConnSessions." + method + " on a non-blocking Reactor thread (" + thread
                    + "): it blocks until the pool lends a session and the server answers, and Reactor refuses blocking"
                    + " there; run it on Schedulers.boundedElastic(), or use the R2DBC ConnectionFactory / DatabaseClient");
        }
    }
}
