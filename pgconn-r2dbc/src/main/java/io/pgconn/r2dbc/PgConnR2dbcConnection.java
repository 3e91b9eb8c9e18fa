package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Lifecycle;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * An R2DBC connection over one pgconn session. Operations are submitted to the session in the
 * order they run, and the session answers them in that order. A {@link Result} runs its statement
 * when it is read; one that is never read is run and discarded before the connection's next
 * operation ({@link UnreadResults}). With auto-commit off, the next statement outside a transaction begins
 * one first; the transaction methods are {@link ConnectionTransactions}'.
 *
 * <p>{@link Wrapped#unwrap()} lends the pgconn {@link PgConnection} under it ({@link PgConnUnwrap#pgConnection}
 * reaches it through r2dbc-pool's own {@code Wrapped} and any proxy between pool and driver), so core-API work —
 * typed rows, {@code stream}, pipelined statements — can run on a pooled session. It stays this
 * connection's: begin, commit and close through R2DBC (this connection tracks its transaction), and
 * use the session only while the R2DBC connection is held.
 */
final class PgConnR2dbcConnection implements Connection, Wrapped<PgConnection>, Lifecycle, PgConnR2dbcCopy {

    private final SessionPort session;
    private final UnreadResults unread = new UnreadResults();
    /**
     * The lend this connection is in and the operations each lend started ({@link LendFence}): statements, batches,
     * copies and transaction calls keep the lend they were made in and fail at subscription once it is over (REVIEW-28
     * R28-2), the check and the placing one step against a release (R28-7).
     */
    private final LendFence lends = new LendFence();
    private final ControlSql control;
    private final ConnectionTransactions transactions;
    private final ConnectionOperations operations;
    private final ConnectionValidation validation;
    private final ReleaseCleanUp releaseCleanUp;
    /** How long a release's clean-up may take ({@link ReleaseCleanUp}); also its wait for operations being placed. */
    private final Duration releaseBound;

    PgConnR2dbcConnection(SessionPort session, PgConnR2dbcConnectionFactory factory, IsolationLevel isolationLevel) {
        this.session = session;
        TransactionState transaction = new TransactionState(isolationLevel);
        // follows the transaction state from the session's answers
        SessionPort.Observer tracker = new TransactionTracker(session, transaction);
        this.control = new ControlSql(session, unread, tracker);
        this.transactions = new ConnectionTransactions(control, session, transaction, unread, tracker);
        this.operations = new ConnectionOperations(this, session, lends, unread, tracker, transactions);
        this.validation = new ConnectionValidation(control, session, factory);
        this.releaseBound = ControlSql.READS_GRACE.plus(factory.remoteValidationTimeout());
        this.releaseCleanUp = new ReleaseCleanUp(this, control, session, transaction, lends, releaseBound,
                factory.resetOnRelease());
    }

    /** The pgconn session under this connection (host, role, server parameters). */
    PgConnection pgConnection() {
        return session.connection();
    }

    /**
     * The pgconn session under this connection, lent for as long as this connection is held (class javadoc). What is
     * sent through it is out of the lend fence's sight: the session counts as used for the reset on release
     * ({@link LendFence#handedOut}).
     */
    @Override
    public PgConnection unwrap() {
        lends.handedOut();
        return session.connection();
    }

    /**
     * This connection or the session under it when {@code targetClass} is one of theirs, else null — Wrapped's own
     * answer, without its call of {@link #unwrap()} when the session is not asked for: r2dbc-pool asks every connection
     * it lends for a {@code Scheduler} and an {@code Executor} this way, which counted every lend as a use of the
     * session, so the reset on release ran after lends that sent nothing.
     */
    @Override
    public <E> E unwrap(Class<E> targetClass) {
        if (targetClass == null) {
            throw new IllegalArgumentException("targetClass must not be null");
        }
        if (targetClass.isInstance(this)) {
            return targetClass.cast(this);
        }
        PgConnection connection = session.connection();
        return targetClass.isInstance(connection) ? targetClass.cast(unwrap()) : null;
    }

    /** The lend this connection is in now ({@link LendFence}). */
    int lend() {
        return lends.current();
    }

    /** What each lend started: for the abandoned-lease watch ({@link PoolAbandonedLeaseWatch}). */
    LendFence lends() {
        return lends;
    }

    /** {@code operation}, subscribed only while this connection is still in the lend it was asked in ({@link LendFence}). */
    private <T> Mono<T> inThisLend(Mono<T> operation) {
        return lends.heldUntilDone(lends.current(), this, operation);
    }

    // --- statements -----------------------------------------------------------------------------

    @Override
    public Statement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        return new PgConnR2dbcStatement(this, sql);
    }

    @Override
    public Batch createBatch() {
        return new PgConnR2dbcBatch(this);
    }

    /** One statement's result, made in lend {@code madeIn} ({@link ConnectionOperations#execute}). */
    Result execute(int madeIn, boolean work, String sql, List<SessionPort.BoundValue> parameters, int fetchSize) {
        return operations.execute(madeIn, work, sql, parameters, fetchSize);
    }

    /** One statement run once per parameter set, in one exchange ({@link ConnectionOperations#executeSets}). */
    Flux<Result> executeSets(String sql, List<List<SessionPort.BoundValue>> sets, int madeIn) {
        return operations.executeSets(sql, sets, madeIn);
    }

    /**
     * Several statements without parameters (split at top-level semicolons): one result each. Once
     * subscribed, every statement runs, whether or not the reader takes all results ({@link ScriptResults}).
     */
    Flux<Result> executeScript(String sql, int madeIn) {
        return operations.executeScript(List.of(sql), madeIn);
    }

    /** {@link #executeScript(String, int)} of several scripts, as one. */
    Flux<Result> executeScript(List<String> scripts, int madeIn) {
        return operations.executeScript(scripts, madeIn);
    }

    // --- COPY (PgConnR2dbcCopy) ------------------------------------------------------------------

    /** The core's copyIn as an operation of this connection ({@link ConnectionOperations#copyIn}). */
    @Override
    public Mono<Long> copyIn(String sql, Publisher<ByteBuffer> data) {
        requireArgument(data, "data");
        return operations.copyIn(sql, data);
    }

    /** The core's copyOut as an operation of this connection ({@link ConnectionOperations#copyOut}). */
    @Override
    public Flux<ByteBuffer> copyOut(String sql) {
        return operations.copyOut(sql);
    }

    // --- transactions ---------------------------------------------------------------------------

    @Override
    public Mono<Void> beginTransaction() {
        return beginTransaction(null);
    }

    /** {@code BEGIN} with the definition's attributes ({@link ConnectionTransactions#begin}). */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return inThisLend(transactions.begin(definition));
    }

    /** {@code COMMIT} through the core's commit, when a transaction is open ({@link ConnectionTransactions#commitIfActive}). */
    @Override
    public Mono<Void> commitTransaction() {
        return inThisLend(transactions.commitIfActive());
    }

    /** {@code ROLLBACK}, which holds on a session that ended ({@link ConnectionTransactions#rollback}). */
    @Override
    public Mono<Void> rollbackTransaction() {
        return inThisLend(transactions.rollback());
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        return inThisLend(transactions.createSavepoint(name));
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return inThisLend(transactions.releaseSavepoint(name));
    }

    /** {@code ROLLBACK TO SAVEPOINT}, after the reads in progress as {@link #rollbackTransaction()} (AUDIT-13 L2). */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return inThisLend(transactions.rollbackToSavepoint(name));
    }

    @Override
    public boolean isAutoCommit() {
        return transactions.isAutoCommit();
    }

    /** Turning auto-commit on commits a transaction in progress; turning it off begins one with the next statement. */
    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return inThisLend(transactions.setAutoCommit(autoCommit));
    }

    /** The open transaction's isolation level, else the session's default ({@link ConnectionTransactions#isolationLevel}). */
    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return transactions.isolationLevel();
    }

    /** The level of the transactions begun after it ({@link ConnectionTransactions#setSessionIsolationLevel}). */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel level) {
        return inThisLend(transactions.setSessionIsolationLevel(level));
    }

    /**
     * {@code SET lock_timeout}, in whole milliseconds rounded up (zero: no timeout); a negative timeout is an
     * {@link IllegalArgumentException}. Exceeded, it is the {@code R2dbcRollbackException} of SQLSTATE 55P03, not the
     * {@code R2dbcTimeoutException} the SPI's javadoc names: a lock conflict, which Spring makes a
     * {@code PessimisticLockingFailureException} that retry policies handle, and which {@code NOWAIT} shares
     * (docs/r2dbc.md §2).
     */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        return inThisLend(control.control("SET lock_timeout = " + OptionDuration.timeoutMillis("lock wait timeout", requireArgument(timeout, "timeout"))));
    }

    /**
     * {@code SET statement_timeout}, in whole milliseconds rounded up (zero: no timeout); a negative timeout is an
     * {@link IllegalArgumentException}. Exceeded, it is an {@code R2dbcTimeoutException} with SQLSTATE 57014.
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        return inThisLend(control.control("SET statement_timeout = " + OptionDuration.timeoutMillis("statement timeout", requireArgument(timeout, "timeout"))));
    }

    private static <T> T requireArgument(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    // --- lifecycle ------------------------------------------------------------------------------

    /** LOCAL without a round trip, REMOTE with a bounded query ({@link ConnectionValidation#validate}). */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        requireArgument(depth, "depth");
        return validation.validate(depth);
    }

    /** {@code validate(LOCAL)}, answered at once: for a pool's eviction check. */
    boolean isUsable() {
        return validation.isUsable();
    }

    SessionValidity.Verdict usability() {
        return validation.usability();
    }

    /** {@link #usability()}, or that a prefer-standby session sits on a primary while a standby is up: for a pool's eviction of unlent sessions. */
    SessionValidity.Verdict evictionVerdict() {
        return validation.evictionVerdict();
    }

    @Override
    public ConnectionMetadata getMetadata() {
        PgConnection connection = session.connection();
        return new ConnectionMetadata() {
            @Override
            public String getDatabaseProductName() {
                return PgConnR2dbcConnectionFactoryMetadata.NAME;
            }

            @Override
            public String getDatabaseVersion() {
                return connection.serverVersion();
            }
        };
    }

    /** Nothing to prepare: a connection comes out of the pool as {@link #preRelease()} left it. */
    @Override
    public Mono<Void> postAllocate() {
        return Mono.empty();
    }

    /**
     * What the borrower left under way is ended before the pool takes the connection back: {@link ReleaseCleanUp}; the
     * borrower's lend is over first, and what it was placing is placed ({@link LendFence#next}: within the clean-up's
     * bound), so the clean-up finds it.
     */
    @Override
    public Mono<Void> preRelease() {
        return Mono.defer(() -> lends.next(releaseBound).then(releaseCleanUp.beforeRelease()));
    }

    /**
     * Whether results were handed out that nobody read yet (they run at the next operation). Not those read: they
     * too stay in the queue until the next operation.
     */
    boolean resultsUnread() {
        return unread.anyUnread();
    }

    /**
     * Whether nothing its borrower began is under way — no results handed out unread, no read in progress, every
     * request answered (the core's {@code nothingInFlight()}; true on a closed session) — while a transaction may be
     * open: for the pool's take-back of a lease its borrower let go of after a cancelled acquire
     * ({@link PoolAbandonedLeaseWatch}), which must not take a session a statement still runs on.
     */
    Mono<Boolean> nothingUnderWay() {
        if (resultsUnread() || session.readsInProgress()) {
            return Mono.just(false);
        }
        return Mono.fromFuture(() -> session.connection().nothingInFlight());
    }

    /** Auto-commit on, the R2DBC default ({@link ReleaseCleanUp}: for the next borrower). */
    void autoCommitBackOn() {
        transactions.autoCommitBackOn();
    }

    @Override
    public Mono<Void> close() {
        return CoreFutures.untilDone(() -> session.connection().close()).onErrorResume(error -> Mono.empty());
    }

    @Override
    public String toString() {
        PgConnection connection = session.connection();
        return "PgConnR2dbcConnection[" + connection.host() + ", pid " + connection.processId()
                + (connection.isClosed() ? ", closed" : "") + "]";
    }
}
