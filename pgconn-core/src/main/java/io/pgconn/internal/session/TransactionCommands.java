package io.pgconn.internal.session;

import io.pgconn.PgConfigException;
import io.pgconn.PgException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.query.TransactionOptions;

import java.util.concurrent.CompletableFuture;

/**
 * The transaction control of a connection — {@code BEGIN}, {@code COMMIT}, {@code ROLLBACK} and
 * savepoints — as simple queries on its session, each future completing with the command's answer.
 * What a failure means for the transaction is told by the session's transaction status, not here
 * (docs/query.md §5). Safe from any thread, as the session's {@code simpleQuery} is.
 */
final class TransactionCommands {

    private final PipelinedSession session;
    /** {@code host:port} for error messages. */
    private final String host;

    TransactionCommands(PipelinedSession session, String host) {
        this.session = session;
        this.host = host;
    }

    /**
     * {@code BEGIN} with the isolation level, access mode and deferrability of {@code options}. With {@code READ WRITE}
     * the query says so ({@link SimpleQuery#readWriteBegin}): on a {@code target_session_attrs=read-write} session whose
     * server turned read-only it fails with {@code PgServerTurnedReadOnlyException}, rolled back (docs/query.md §5).
     */
    CompletableFuture<Void> begin(TransactionOptions options) {
        if (!Boolean.FALSE.equals(options.readOnly())) {
            return command(options.beginSql());
        }
        SimpleQuery query;
        try {
            query = SimpleQuery.of(options.beginSql(), host, session.statementTrace()).readWriteBegin();
        } catch (PgException e) {
            return CompletableFuture.failedFuture(e);
        }
        session.submit(query);
        return query.result.thenApply(result -> null);
    }

    /**
     * A transaction whose {@code BEGIN} rides in the Sync group of its first statement (docs/query.md §5,
     * {@code DeferredBegin}): nothing is sent now.
     */
    CompletableFuture<Void> beginWithFirstStatement(TransactionOptions options) {
        return session.deferredTransactions().begin(options.beginSql(), Boolean.FALSE.equals(options.readOnly()));
    }

    /**
     * {@code COMMIT}; a failed transaction's COMMIT is answered with the tag ROLLBACK, not an error, and
     * fails here so that its loss is never silent. The session ended with the COMMIT written:
     * {@code PgCommitOutcomeUnknownException} ({@code CommitText}, as for a COMMIT sent as text; REVIEW-8
     * F3: reported as "closed", a retry applied the work twice). A transaction begun with its first statement
     * that none joined sends nothing; one whose BEGIN failed fails with that error ({@link DeferredTransactions#end}).
     */
    CompletableFuture<Void> commit() {
        return session.deferredTransactions().end("COMMIT", true)
                .thenApply(result -> {
                    if (result != null) {
                        PgTransactionRolledBackException.requireCommitted(result.commandTag(), host);
                    }
                    return null;
                });
    }

    /** {@code ROLLBACK}; nothing is sent for a transaction begun with its first statement that none joined or whose BEGIN failed. */
    CompletableFuture<Void> rollback() {
        return session.deferredTransactions().end("ROLLBACK", false).thenApply(result -> null);
    }

    CompletableFuture<Void> setSavepoint(String name) {
        return savepointCommand("SAVEPOINT ", name);
    }

    CompletableFuture<Void> releaseSavepoint(String name) {
        return savepointCommand("RELEASE SAVEPOINT ", name);
    }

    CompletableFuture<Void> rollbackToSavepoint(String name) {
        return savepointCommand("ROLLBACK TO SAVEPOINT ", name);
    }

    /** {@code prefix} and the savepoint's name as a quoted identifier; a name that cannot be one fails the future. */
    private CompletableFuture<Void> savepointCommand(String prefix, String name) {
        try {
            return command(prefix + Identifiers.quote(name, "savepoint name"));
        } catch (PgConfigException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Void> command(String sql) {
        return session.simpleQuery(sql).thenApply(result -> null);
    }
}
