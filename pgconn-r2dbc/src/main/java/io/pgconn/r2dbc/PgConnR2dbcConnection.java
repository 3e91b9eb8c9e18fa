package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An R2DBC connection over one pgconn session. Operations are submitted to the session in the
 * order they are subscribed to, and the session answers them in that order. A {@link Result} that
 * is never read is drained before the next operation. With auto-commit off, the next statement
 * outside a transaction begins one first.
 */
final class PgConnR2dbcConnection implements Connection {

    private final SessionPort session;
    private final PgConnR2dbcConnectionFactory factory;
    private final TransactionState transaction = new TransactionState();
    private final AtomicReference<PgConnR2dbcResult> lastResult = new AtomicReference<>();
    private volatile boolean autoCommit = true;
    private volatile IsolationLevel isolationLevel;

    PgConnR2dbcConnection(SessionPort session, PgConnR2dbcConnectionFactory factory, IsolationLevel isolationLevel) {
        this.session = session;
        this.factory = factory;
        this.isolationLevel = isolationLevel;
    }

    /** The pgconn session under this connection (host, role, server parameters). */
    PgConnection pgConnection() {
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

    /** Submits one statement now (after draining an unread result and an implicit BEGIN) and wraps its outcome. */
    Result execute(String sql, List<SessionPort.BoundValue> parameters, int fetchSize) {
        beforeStatement();
        PgConnR2dbcResult result = new PgConnR2dbcResult(track(session.execute(sql, parameters, fetchSize)));
        lastResult.set(result);
        return result;
    }

    /** Runs a script (several statements, no parameters): one result per statement, read in full first. */
    Flux<Result> executeScript(String sql) {
        return Flux.defer(() -> {
            beforeStatement();
            return track(session.executeScript(sql))
                    .bufferUntil(part -> part instanceof ResultPart.Completion)
                    .map(parts -> (Result) new PgConnR2dbcResult(Flux.fromIterable(parts)))
                    .onErrorMap(R2dbcErrors::translate);
        });
    }

    private void beforeStatement() {
        PgConnR2dbcResult previous = lastResult.getAndSet(null);
        if (previous != null) {
            previous.drainIfUnread().subscribe();
        }
        if (!autoCommit && !transaction.isActive()) {
            track(session.executeScript("BEGIN")).subscribe(part -> { }, error -> { });
        }
    }

    /** Follows transaction state from the command tags that pass by. */
    private Flux<ResultPart> track(Flux<ResultPart> parts) {
        return parts.doOnNext(part -> {
            if (part instanceof ResultPart.Completion completion) {
                transaction.onCommand(completion.commandTag());
            }
        }).doOnError(error -> transaction.onError());
    }

    /** Runs control SQL (transactions, settings) and completes when the server has answered. */
    private Mono<Void> control(String sql) {
        return Mono.defer(() -> {
            PgConnR2dbcResult previous = lastResult.getAndSet(null);
            Mono<Void> drained = previous == null ? Mono.empty() : previous.drainIfUnread();
            return drained.then(track(session.executeScript(sql)).then());
        }).onErrorMap(R2dbcErrors::translate);
    }

    // --- transactions ---------------------------------------------------------------------------

    @Override
    public Mono<Void> beginTransaction() {
        return beginTransaction(null);
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        return Mono.defer(() -> {
            if (transaction.isActive()) {
                return Mono.empty();
            }
            String sql = TransactionSql.begin(definition);
            return control(sql).doOnSuccess(ignored -> transaction.onCommand("BEGIN"));
        });
    }

    @Override
    public Mono<Void> commitTransaction() {
        return Mono.defer(() -> transaction.isActive() ? control("COMMIT") : Mono.empty());
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return Mono.defer(() -> transaction.isActive() ? control("ROLLBACK") : Mono.empty());
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

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String savepoint = TransactionSql.savepointName(name);
        return control("ROLLBACK TO SAVEPOINT " + savepoint);
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
                return control("COMMIT");
            }
            return Mono.empty();
        });
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return isolationLevel;
    }

    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel level) {
        Objects.requireNonNull(level, "level");
        String sql = TransactionSql.isolationSql(level);
        return control("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + sql)
                .doOnSuccess(ignored -> isolationLevel = level);
    }

    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return control("SET lock_timeout = " + timeout.toMillis());
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return control("SET statement_timeout = " + timeout.toMillis());
    }

    // --- lifecycle ------------------------------------------------------------------------------

    /**
     * LOCAL: open, and the server still satisfies the factory's {@code target_session_attrs} as far as
     * the session's ParameterStatus and the factory's host memory tell, without a round trip.
     * REMOTE: that, and the server answers a query.
     */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        return Mono.defer(() -> {
            boolean usable = isUsable();
            if (!usable || depth == ValidationDepth.LOCAL) {
                return Mono.just(usable);
            }
            return control("SELECT 1").thenReturn(true).onErrorReturn(false).map(answered -> answered && isUsable());
        });
    }

    /** {@code validate(LOCAL)}, answered at once: for a pool's eviction check. */
    boolean isUsable() {
        return SessionValidity.isUsable(session.connection(), factory.targetSessionAttrs(), factory.hostStatuses());
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

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> Mono.fromFuture(session.connection().close(), true)).onErrorResume(error -> Mono.empty());
    }

    @Override
    public String toString() {
        PgConnection connection = session.connection();
        return "PgConnR2dbcConnection[" + connection.host() + ", pid " + connection.processId()
                + (connection.isClosed() ? ", closed" : "") + "]";
    }
}
