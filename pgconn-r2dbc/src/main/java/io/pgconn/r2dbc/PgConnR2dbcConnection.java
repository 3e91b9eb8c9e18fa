package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgTransactionRolledBackException;
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
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An R2DBC connection over one pgconn session. Operations are submitted to the session in the
 * order they run, and the session answers them in that order. A {@link Result} runs its statement
 * when it is read; one that is never read is run and discarded before the connection's next
 * operation. With auto-commit off, the next statement outside a transaction begins one first.
 *
 * <p>{@link Wrapped#unwrap()} lends the pgconn {@link PgConnection} under it ({@link PgConnUnwrap#pgConnection}
 * reaches it through r2dbc-pool's own {@code Wrapped} and any proxy between pool and driver), so core-API work —
 * typed rows, {@code stream}, pipelined statements — can run on a pooled session. It stays this
 * connection's: begin, commit and close through R2DBC (this connection tracks its transaction), and
 * use the session only while the R2DBC connection is held.
 */
final class PgConnR2dbcConnection implements Connection, Wrapped<PgConnection>, Lifecycle, PgConnR2dbcCopy {

    /**
     * How long a rollback waits for reads in progress to end before it cuts them off: enough for a reader's
     * cancel already on its way (F1), short enough that a stuck reader does not hold the transaction's locks.
     */
    static final Duration READS_GRACE = Duration.ofSeconds(1);

    private final SessionPort session;
    private final PgConnR2dbcConnectionFactory factory;
    private final TransactionState transaction;
    private final Queue<PgConnR2dbcResult> unread = new ConcurrentLinkedQueue<>();
    /** Follows the transaction state from the session's answers ({@link TransactionTracker}). */
    private final SessionPort.Observer tracker;
    private final SessionPort.Observer beginAheadTracker;
    /** The session's host as host memory names it; fixed for the session's life, so computed once. */
    private final String hostLabel;
    private final ReleaseCleanUp releaseCleanUp;
    private volatile boolean autoCommit = true;

    PgConnR2dbcConnection(SessionPort session, PgConnR2dbcConnectionFactory factory, IsolationLevel isolationLevel) {
        this.session = session;
        this.factory = factory;
        this.transaction = new TransactionState(isolationLevel);
        this.tracker = new TransactionTracker(session, transaction);
        this.beginAheadTracker = new TransactionTracker.BeginAhead(session, transaction);
        this.hostLabel = SessionValidity.hostLabel(session.connection());
        this.releaseCleanUp = new ReleaseCleanUp(this, session, transaction, READS_GRACE.plus(factory.remoteValidationTimeout()));
    }

    /** The pgconn session under this connection (host, role, server parameters). */
    PgConnection pgConnection() {
        return session.connection();
    }

    /** The pgconn session under this connection, lent for as long as this connection is held (class javadoc). */
    @Override
    public PgConnection unwrap() {
        return session.connection();
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

    /**
     * Starts an operation (a statement's or batch's execution, transaction control): results of
     * earlier operations that nobody read are run and discarded first, so the session never waits
     * on them; with auto-commit off and no transaction open, BEGIN goes next.
     */
    void beginOperation() {
        PgConnR2dbcResult previous;
        while ((previous = unread.poll()) != null) {
            previous.drainIfUnread();
        }
        if (!autoCommit && !transaction.isActive()) {
            transaction.beginSentAhead();
            Flux.from(session.executeScript("BEGIN", beginAheadTracker)).subscribe(part -> { }, error -> { });
        }
    }

    /**
     * One statement's result; the statement is submitted when the result is read (or drained by the
     * next operation), so results are answered in the order they are read.
     */
    Result execute(String sql, List<SessionPort.BoundValue> parameters, int fetchSize) {
        PgConnR2dbcResult result = new PgConnR2dbcResult(session.execute(sql, parameters, fetchSize, tracker));
        unread.add(result);
        return result;
    }

    /**
     * One statement run once per parameter set, every set in one exchange under one Sync (the core's
     * {@code PgStatement.add()}): all or nothing outside a transaction, as a script; one result per set, split from
     * the one stream as a script's are ({@link ScriptResults}: the failing set's result signals the error, none come
     * after it; once subscribed, every set runs, whether or not the reader takes all results).
     */
    Flux<Result> executeSets(String sql, List<List<SessionPort.BoundValue>> sets) {
        return Flux.defer(() -> {
            beginOperation();
            return new ScriptResults(session.executeSets(sql, sets, tracker), sets.size(), unread::add).publisher();
        });
    }

    /**
     * Several statements without parameters (split at top-level semicolons): one result each. Once
     * subscribed, every statement runs, whether or not the reader takes all results ({@link ScriptResults}).
     */
    Flux<Result> executeScript(String sql) {
        return executeScript(List.of(sql));
    }

    Flux<Result> executeScript(List<String> scripts) {
        return Flux.defer(() -> {
            List<String> statements = new ArrayList<>();
            for (String script : scripts) {
                statements.addAll(session.connection().statements(script));
            }
            if (statements.isEmpty()) {
                return Flux.empty();
            }
            beginOperation();
            // one exchange under one Sync: PostgreSQL's script semantics, split into one result per statement
            return new ScriptResults(session.runScript(statements, tracker), statements.size(), unread::add).publisher();
        });
    }

    // --- COPY (PgConnR2dbcCopy) ------------------------------------------------------------------

    /**
     * The core's copyIn as an operation of this connection ({@link #beginOperation}); its end or failure tells the
     * transaction tracker what the session's status is now. Cancelling the Mono cancels the core's future (CopyFail).
     * A read in progress for a rollback and the release: cut off after {@link #READS_GRACE} (REVIEW-20 Y5).
     */
    @Override
    public Mono<Long> copyIn(String sql, Publisher<ByteBuffer> data) {
        requireArgument(data, "data");
        return Mono.defer(() -> {
            beginOperation();
            return Mono.from(session.copyIn(sql, data));
        }).doOnSuccess(rows -> tracker.onEnd()).doOnError(tracker::onError).onErrorMap(R2dbcErrors::translate);
    }

    /**
     * The core's copyOut as an operation of this connection, its chunks as they come with the reader's demand; a read
     * in progress for a rollback and the release, as a statement's (REVIEW-20 Y5).
     */
    @Override
    public Flux<ByteBuffer> copyOut(String sql) {
        return Flux.defer(() -> {
            beginOperation();
            return Flux.from(session.copyOut(sql));
        }).doOnComplete(tracker::onEnd).doOnError(tracker::onError).onErrorMap(R2dbcErrors::translate);
    }

    /** Runs control SQL (transactions, settings) and completes when the server has answered. */
    private Mono<Void> control(String sql) {
        return sent(sql).onErrorMap(R2dbcErrors::translate);
    }

    /** {@link #control}, its failure left as the core reported it. */
    Mono<Void> sent(String sql) {
        return Mono.defer(() -> afterUnreadResults().then(Flux.from(session.executeScript(sql, tracker)).then()));
    }

    /**
     * {@code COMMIT} through the core's commit: failing when the server answered it with {@code ROLLBACK}
     * (the transaction had failed before) with the core's {@link PgTransactionRolledBackException}, which
     * R2dbcErrors makes a {@link TransactionRolledBackException}, so Spring's commit fails instead of
     * reporting lost work as committed; and when the session ended after the COMMIT was sent with the
     * core's {@link io.pgconn.PgCommitOutcomeUnknownException}, which R2dbcErrors makes non-transient.
     */
    private Mono<Void> commit() {
        return Mono.defer(() -> afterUnreadResults().then(Flux.from(session.commit(tracker)).then()))
                .onErrorMap(R2dbcErrors::translate);
    }

    /** Results never read are run and discarded first: operations reach the session in the order they were made. */
    private Mono<Void> afterUnreadResults() {
        List<PgConnR2dbcResult> earlier = new ArrayList<>();
        PgConnR2dbcResult previous;
        while ((previous = unread.poll()) != null) {
            earlier.add(previous);
        }
        return Flux.fromIterable(earlier).concatMap(PgConnR2dbcResult::drainedIfUnread).then();
    }

    // --- transactions ---------------------------------------------------------------------------

    @Override
    public Mono<Void> beginTransaction() {
        return beginTransaction(null);
    }

    /**
     * {@code BEGIN} with the definition's isolation level, read-only, deferrable ({@code Option.valueOf("deferrable")})
     * and lock wait timeout ({@code SET LOCAL lock_timeout}). With a transaction already open a plain begin is a no-op;
     * a definition carrying any of those attributes fails with {@link IllegalStateException}, as they cannot apply to
     * it (REVIEW-20 R4: they were dropped without a word, the work ran at the session's defaults). A negative lock wait
     * timeout is an {@link IllegalArgumentException}.
     */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return Mono.defer(() -> {
            if (transaction.isActive()) {
                String applied = TransactionSql.appliedAttributes(definition);
                return applied.isEmpty() ? Mono.empty() : Mono.error(new IllegalStateException("beginTransaction(" + applied
                        + "): a transaction is already open — auto-commit off begins one with the first statement, a BEGIN"
                        + " run as SQL opens one — so " + applied + " cannot apply to it: commit or roll back first"));
            }
            IsolationLevel level = definition == null ? null : definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
            return control(TransactionSql.begin(definition)).doOnSuccess(ignored -> {
                if (level != null) {
                    transaction.begunAt(level);
                }
            });
        });
    }

    @Override
    public Mono<Void> commitTransaction() {
        return Mono.defer(() -> transaction.isActive() ? commit() : Mono.empty());
    }

    /**
     * {@code ROLLBACK}. On a session that is closed, or that ends while the ROLLBACK is on its way, it
     * completes without error: PostgreSQL rolls back the open transaction of a session that ends, and a
     * session the client lost can never commit it, so the outcome asked for holds. Failing it made Spring's
     * transaction manager throw the rollback's "connection closed" in place of the error that failed the
     * transaction (new user's F2; docs/r2dbc.md §3). {@link #commitTransaction()} still fails.
     */
    @Override
    public Mono<Void> rollbackTransaction() {
        return Mono.defer(() -> {
            if (!transaction.isActive()) {
                return Mono.empty();
            }
            return afterReadsInProgress("rollbackTransaction()").then(sent("ROLLBACK"))
                    .onErrorResume(this::endedTheSession, error -> Mono.empty()) // the tracker saw the session end
                    .onErrorMap(R2dbcErrors::translate);
        });
    }

    /**
     * Before a rollback is written (r2dbc.md §3): a statement of the transaction whose reader is cancelling
     * (a Kotlin Flow, a subscription cancelled on another thread) ends first — written first, the rollback
     * would keep the cancel from reaching the server, and the statement would run to its end (new user 10's
     * F1). Unread results are discarded before the wait: a script whose handed-out result nobody reads ends
     * its read only once that result is discarded (AUDIT-13 M1). A read that has not ended after
     * {@link #READS_GRACE} (its reader neither reads nor cancels) is cut off, so the rollback runs and the
     * transaction's locks are released instead of being held as long as the reader (AUDIT-13 L2).
     */
    Mono<Void> afterReadsInProgress(String rollback) {
        return afterUnreadResults().then(Mono.from(session.readsInProgressEnded(READS_GRACE, rollback)));
    }

    private boolean endedTheSession(Throwable error) {
        return TransactionTracker.endedTheSession(session, error);
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return Mono.defer(() -> transaction.isActive() ? control("SAVEPOINT " + savepoint)
                : control("BEGIN; SAVEPOINT " + savepoint));
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return control("RELEASE SAVEPOINT " + savepoint);
    }

    /** {@code ROLLBACK TO SAVEPOINT}, after the reads in progress as {@link #rollbackTransaction()} (AUDIT-13 L2). */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return Mono.defer(() -> afterReadsInProgress("rollbackTransactionToSavepoint()")
                .then(sent("ROLLBACK TO SAVEPOINT " + savepoint))).onErrorMap(R2dbcErrors::translate);
    }

    @Override
    public boolean isAutoCommit() {
        return autoCommit && !transaction.isActive();
    }

    /** Turning auto-commit on commits a transaction in progress; turning it off begins one with the next statement. */
    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            this.autoCommit = autoCommit;
            if (autoCommit && transaction.isActive()) {
                return commit();
            }
            return Mono.empty();
        });
    }

    /**
     * The open transaction's isolation level — a definition's while its transaction is open — else the session's
     * default as {@link #setTransactionIsolationLevel} left it, without a round trip ({@link TransactionState};
     * REVIEW-20 R5). A transaction begun with SQL of the application's own reports the session's level.
     */
    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return transaction.isolationLevel();
    }

    /**
     * {@code SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL}: the level of the transactions begun after it
     * (PostgreSQL cannot change an open transaction's). Set inside a transaction, it holds from that transaction's
     * {@code COMMIT} on and is gone after a rollback, as on the server.
     */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        String sql = TransactionSql.isolationSql(level);
        return control("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + sql)
                .doOnSuccess(ignored -> transaction.sessionIsolationSet(level));
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
        return control("SET lock_timeout = " + OptionDuration.timeoutMillis("lock wait timeout", requireArgument(timeout, "timeout")));
    }

    /**
     * {@code SET statement_timeout}, in whole milliseconds rounded up (zero: no timeout); a negative timeout is an
     * {@link IllegalArgumentException}. Exceeded, it is an {@code R2dbcTimeoutException} with SQLSTATE 57014.
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        return control("SET statement_timeout = " + OptionDuration.timeoutMillis("statement timeout", requireArgument(timeout, "timeout")));
    }

    private static <T> T requireArgument(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    // --- lifecycle ------------------------------------------------------------------------------

    /**
     * LOCAL: open, and the server still satisfies the factory's {@code target_session_attrs} as far as
     * the session's ParameterStatus and the factory's host memory tell, without a round trip.
     * REMOTE: that, and the server answers a query.
     */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        requireArgument(depth, "depth");
        if (depth == ValidationDepth.LOCAL) {
            return Mono.fromSupplier(this::isUsable); // on every pool acquire: one operator, no round trip
        }
        return Mono.defer(() -> {
            boolean usable = isUsable();
            if (!usable || depth == ValidationDepth.LOCAL) {
                return Mono.just(usable);
            }
            // bounded: a frozen server never answers; past the deadline the statement is cancelled and the answer is false
            return control("SELECT 1").thenReturn(true).timeout(factory.remoteValidationTimeout())
                    .onErrorReturn(false).map(answered -> answered && isUsable());
        });
    }

    /** {@code validate(LOCAL)}, answered at once: for a pool's eviction check. */
    boolean isUsable() {
        return usability() == SessionValidity.Verdict.USABLE;
    }

    SessionValidity.Verdict usability() {
        return SessionValidity.check(session.connection(), factory.targetSessionAttrs(), factory.hostStatus(hostLabel));
    }

    /** {@link #usability()}, or that a prefer-standby session sits on a primary while a standby is up: for a pool's eviction of unlent sessions. */
    SessionValidity.Verdict evictionVerdict() {
        io.pgconn.HostStatus memory = factory.hostStatus(hostLabel);
        SessionValidity.Verdict usable = SessionValidity.check(session.connection(), factory.targetSessionAttrs(), memory);
        return SessionValidity.preferredRole(usable, factory.targetSessionAttrs(),
                SessionValidity.sessionRole(session.connection(), memory), hostLabel, factory::hostStatuses);
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

    /** What the borrower left under way is ended before the pool takes the connection back: {@link ReleaseCleanUp}. */
    @Override
    public Mono<Void> preRelease() {
        return releaseCleanUp.beforeRelease();
    }

    /**
     * Whether results were handed out that nobody read yet (they run at the next operation). Not those read: they
     * too stay in the queue until the next operation.
     */
    boolean resultsUnread() {
        for (PgConnR2dbcResult result : unread) {
            if (result.unread()) {
                return true;
            }
        }
        return false;
    }

    /** Auto-commit on, the R2DBC default ({@link ReleaseCleanUp}: for the next borrower). */
    void autoCommitBackOn() {
        autoCommit = true;
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
