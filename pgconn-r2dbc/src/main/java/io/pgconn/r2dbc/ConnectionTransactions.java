package io.pgconn.r2dbc;

import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.query.TransactionOptions;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.TransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The transaction control of one {@link PgConnR2dbcConnection}: auto-commit (off, the next statement outside a
 * transaction begins one first), {@code BEGIN} with a definition's attributes, {@code COMMIT} through the core's
 * commit, a {@code ROLLBACK} that holds on a session that ended, savepoints, and the session's isolation level. What
 * the session's answers say about the transaction is {@link TransactionState}, followed by {@link TransactionTracker};
 * the statements go out as the connection's control SQL ({@link ControlSql}), after the results handed out before them
 * ({@link UnreadResults}).
 */
final class ConnectionTransactions {

    private final ControlSql control;
    private final SessionPort session;
    private final TransactionState transaction;
    private final UnreadResults unread;
    /** Follows the transaction state from the session's answers ({@link TransactionTracker}). */
    private final SessionPort.Observer tracker;
    private volatile boolean autoCommit = true;

    ConnectionTransactions(ControlSql control, SessionPort session, TransactionState transaction,
                           UnreadResults unread, SessionPort.Observer tracker) {
        this.control = control;
        this.session = session;
        this.transaction = transaction;
        this.unread = unread;
        this.tracker = tracker;
    }

    /**
     * An operation begins: with auto-commit off and no transaction open, a transaction begins with it — its
     * {@code BEGIN} riding in the operation's Sync group as {@link #begin}'s does (the core's
     * {@code beginWithFirstStatement}): one round trip, and a refused {@code BEGIN} fails the operation, unsent, instead
     * of letting it run autocommitted. Before session 30 a {@code BEGIN} went ahead with a Sync of its own, its answer
     * not looked at: one ReadyForQuery more per transaction, and the statement would have run outside a transaction
     * whose {@code BEGIN} failed.
     */
    void beginIfAutoCommitOff() {
        if (!autoCommit && !transaction.isActive()) {
            placeBegin(TransactionOptions.DEFAULT, null);
        }
    }

    /**
     * The {@code BEGIN} placed by the core to ride with the next statement ({@code beginWithFirstStatement}); the
     * transaction is open from now on, at {@code level} (null: the session's).
     */
    private CompletableFuture<Void> placeBegin(TransactionOptions options, IsolationLevel level) {
        transaction.begunWithFirstStatement(level);
        // the core places the BEGIN in a task queued now, before any later request of the session (from any
        // thread: its gate holds later starts behind that task); placed, the core's status says the transaction
        // is open, and the count above is given back in that task, before any later request's end is seen
        return session.connection().beginWithFirstStatement(options).whenComplete((ignored, error) -> {
            transaction.beginPlaced();
            if (error != null) {
                tracker.onError(error); // not placed: the session ended
            }
        });
    }

    /**
     * {@code BEGIN} with the definition's isolation level, read-only and deferrable ({@code Option.valueOf("deferrable")}),
     * riding in the Sync group of the transaction's first statement (the core's {@code beginWithFirstStatement},
     * docs/r2dbc.md §3): the transaction costs no round trip of its own, and is open from this call on. A refused
     * {@code BEGIN} ({@code READ WRITE} on a standby, the session gone) fails that first statement and every later one
     * with its error, unsent — nothing runs autocommitted; a transaction that ran nothing sends neither {@code BEGIN}
     * nor {@code COMMIT}. A lock wait timeout is {@code SELECT pg_catalog.set_config('lock_timeout', $1, true)}, sent now as the
     * statement that carries the {@code BEGIN}, its answer not awaited. Completes at once, on the caller's thread: the
     * core has the {@code BEGIN}'s placement queued ahead of anything submitted after this call, from any thread, and the
     * transaction counts as open meanwhile (NEW-USER-27 F0: completing after the hop to the session's event loop left
     * Spring's {@code R2dbcTransactionManager} a window where a cancel dropped the connection unclosed). With a
     * transaction already open a plain begin
     * is a no-op; a definition carrying any of those attributes fails with {@link IllegalStateException}, as they
     * cannot apply to it (REVIEW-20 R4: they were dropped without a word, the work ran at the session's defaults). A
     * negative lock wait timeout is an {@link IllegalArgumentException}.
     */
    Mono<Void> begin(TransactionDefinition definition) {
        return Mono.defer(() -> {
            if (transaction.isActive()) {
                String applied = TransactionSql.appliedAttributes(definition);
                return applied.isEmpty() ? Mono.empty() : Mono.error(new IllegalStateException("beginTransaction(" + applied
                        + "): a transaction is already open — auto-commit off begins one with the first statement, a BEGIN"
                        + " run as SQL opens one — so " + applied + " cannot apply to it: commit or roll back first"));
            }
            TransactionOptions options = TransactionSql.options(definition);
            String lockTimeout = TransactionSql.lockTimeout(definition);
            unread.discardNow(); // results handed out before run before the BEGIN, outside the transaction
            CompletableFuture<Void> placed = placeBegin(options,
                    definition == null ? null : definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL));
            if (placed.isCompletedExceptionally()) { // refused at once: the session's event loop is shut down
                return CoreFutures.untilDone(() -> placed).onErrorMap(R2dbcErrors::translate);
            }
            if (lockTimeout != null) {
                // queued behind the BEGIN's task, ahead of whatever the caller submits next: it carries the BEGIN, and
                // a failure of it reaches the next statement: its 25P02 carries it (TransactionState)
                Flux.from(session.execute(TransactionSql.SET_LOCK_TIMEOUT, List.of(SessionPort.BoundValue.of(lockTimeout)),
                        0, tracker)).subscribe(part -> { }, transaction::settingFailed);
            }
            // complete now, not once the loop placed it (NEW-USER-27 F0, spring-framework#36344): a caller off the loop
            // went on only after a hop to it, and Spring's transaction manager, cancelled in that window, dropped the
            // connection without closing it
            return Mono.empty();
        });
    }

    /** {@link #commit()} when a transaction is open, else nothing. */
    Mono<Void> commitIfActive() {
        return Mono.defer(() -> transaction.isActive() ? commit() : Mono.empty());
    }

    /**
     * {@code COMMIT} through the core's commit: failing when the server answered it with {@code ROLLBACK}
     * (the transaction had failed before) with the core's {@link PgTransactionRolledBackException}, which
     * R2dbcErrors makes a {@link TransactionRolledBackException}, so Spring's commit fails instead of
     * reporting lost work as committed; and when the session ended after the COMMIT was sent with the
     * core's {@link io.pgconn.PgCommitOutcomeUnknownException}, which R2dbcErrors makes non-transient.
     */
    private Mono<Void> commit() {
        return Mono.defer(() -> unread.discarded().then(Flux.from(session.commit(tracker)).then()))
                .onErrorMap(R2dbcErrors::translate);
    }

    /**
     * {@code ROLLBACK}. On a session that is closed, or that ends while the ROLLBACK is on its way, it
     * completes without error: PostgreSQL rolls back the open transaction of a session that ends, and a
     * session the client lost can never commit it, so the outcome asked for holds. Failing it made Spring's
     * transaction manager throw the rollback's "connection closed" in place of the error that failed the
     * transaction (new user's F2; docs/r2dbc.md §3). {@link #commitIfActive()} still fails.
     */
    Mono<Void> rollback() {
        return Mono.defer(() -> {
            if (!transaction.isActive()) {
                return Mono.empty();
            }
            return control.afterReadsInProgress("rollbackTransaction()").then(control.rolledBack())
                    .onErrorResume(this::endedTheSession, error -> Mono.empty()) // the tracker saw the session end
                    .onErrorMap(R2dbcErrors::translate);
        });
    }

    private boolean endedTheSession(Throwable error) {
        return TransactionTracker.endedTheSession(session, error);
    }

    Mono<Void> createSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return Mono.defer(() -> transaction.isActive() ? control.control("SAVEPOINT " + savepoint)
                : control.control("BEGIN; SAVEPOINT " + savepoint));
    }

    Mono<Void> releaseSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return control.control("RELEASE SAVEPOINT " + savepoint);
    }

    /** {@code ROLLBACK TO SAVEPOINT}, after the reads in progress as {@link #rollback()} (AUDIT-13 L2). */
    Mono<Void> rollbackToSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return Mono.defer(() -> control.afterReadsInProgress("rollbackTransactionToSavepoint()")
                .then(control.sent("ROLLBACK TO SAVEPOINT " + savepoint))).onErrorMap(R2dbcErrors::translate);
    }

    boolean isAutoCommit() {
        return autoCommit && !transaction.isActive();
    }

    /** Turning auto-commit on commits a transaction in progress; turning it off begins one with the next statement. */
    Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            this.autoCommit = autoCommit;
            if (autoCommit && transaction.isActive()) {
                return commit();
            }
            return Mono.empty();
        });
    }

    /** Auto-commit on, the R2DBC default ({@link ReleaseCleanUp}: for the next borrower). */
    void autoCommitBackOn() {
        autoCommit = true;
    }

    /**
     * The open transaction's isolation level — a definition's while its transaction is open — else the session's
     * default as {@link #setSessionIsolationLevel} left it, without a round trip ({@link TransactionState};
     * REVIEW-20 R5). A transaction begun with SQL of the application's own reports the session's level.
     */
    IsolationLevel isolationLevel() {
        return transaction.isolationLevel();
    }

    /**
     * {@code SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL}: the level of the transactions begun after it
     * (PostgreSQL cannot change an open transaction's). Set inside a transaction, it holds from that transaction's
     * {@code COMMIT} on and is gone after a rollback, as on the server.
     */
    Mono<Void> setSessionIsolationLevel(IsolationLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        String sql = TransactionSql.isolationSql(level);
        return control.control("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + sql)
                .doOnSuccess(ignored -> transaction.sessionIsolationSet(level));
    }
}
