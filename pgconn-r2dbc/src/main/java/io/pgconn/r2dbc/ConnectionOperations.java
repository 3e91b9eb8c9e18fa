package io.pgconn.r2dbc;

import io.r2dbc.spi.Result;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The borrower's work on one {@link PgConnR2dbcConnection} — statements, parameter sets, scripts and batches, COPY —
 * placed on the session in the order it runs, each within the lend it was made in ({@link LendFence}). Every operation
 * begins the same way ({@link #beginOperation}): results handed out earlier that nobody read are run and discarded
 * first, and with auto-commit off and no transaction open a transaction begins with it
 * ({@link ConnectionTransactions#beginIfAutoCommitOff}).
 */
final class ConnectionOperations {

    private final PgConnR2dbcConnection connection;
    private final SessionPort session;
    private final LendFence lends;
    private final UnreadResults unread;
    private final SessionPort.Observer tracker;
    private final ConnectionTransactions transactions;

    ConnectionOperations(PgConnR2dbcConnection connection, SessionPort session, LendFence lends, UnreadResults unread,
            SessionPort.Observer tracker, ConnectionTransactions transactions) {
        this.connection = connection;
        this.session = session;
        this.lends = lends;
        this.unread = unread;
        this.tracker = tracker;
        this.transactions = transactions;
    }

    /**
     * Starts an operation (a statement's or batch's execution, transaction control): results of
     * earlier operations that nobody read are run and discarded first, so the session never waits
     * on them; with auto-commit off and no transaction open, a transaction begins with it.
     */
    void beginOperation() {
        unread.discardNow();
        transactions.beginIfAutoCommitOff();
    }

    /**
     * One statement's result, made in lend {@code madeIn} ({@link LendFence}: refused once that lend is over, and
     * handed out before a release of it looks at what is left); the statement is submitted when the result is read (or
     * drained by the next operation), so results are answered in the order they are read. {@code work}: not a
     * {@code SET} (the abandoned-lease watch tells the borrower's work from settings).
     */
    Result execute(int madeIn, boolean work, String sql, List<SessionPort.BoundValue> parameters, int fetchSize) {
        lends.enter(madeIn, work, connection);
        try {
            beginOperation();
            PgConnR2dbcResult result = new PgConnR2dbcResult(session.execute(sql, parameters, fetchSize, tracker));
            unread.add(result);
            return result;
        } finally {
            lends.exit();
        }
    }

    /**
     * One statement run once per parameter set, every set in one exchange under one Sync (the core's
     * {@code PgStatement.add()}): all or nothing outside a transaction, as a script; one result per set, split from
     * the one stream as a script's are ({@link ScriptResults}: the failing set's result signals the error, none come
     * after it; once subscribed, every set runs, whether or not the reader takes all results).
     */
    Flux<Result> executeSets(String sql, List<List<SessionPort.BoundValue>> sets, int madeIn) {
        return lends.placedOnSubscribe(madeIn, true, connection, () -> {
            beginOperation();
            return new ScriptResults(session.executeSets(sql, sets, tracker), sets.size(), unread::add).publisher();
        });
    }

    /**
     * Several scripts without parameters, as one (each split at top-level semicolons): one result per statement. Once
     * subscribed, every statement runs, whether or not the reader takes all results ({@link ScriptResults}).
     */
    Flux<Result> executeScript(List<String> scripts, int madeIn) {
        return lends.placedOnSubscribe(madeIn, true, connection, () -> {
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

    /**
     * The core's copyIn as an operation of this connection ({@link #beginOperation}); its end or failure tells the
     * transaction tracker what the session's status is now. Cancelling the Mono cancels the core's future (CopyFail).
     * A read in progress for a rollback and the release: cut off after {@link ControlSql#READS_GRACE} (REVIEW-20 Y5).
     */
    Mono<Long> copyIn(String sql, Publisher<ByteBuffer> data) {
        return lends.placedOnSubscribe(lends.current(), true, connection, () -> {
            beginOperation();
            return session.copyIn(sql, data);
        }).next().doOnSuccess(rows -> tracker.onEnd()).doOnError(tracker::onError).onErrorMap(R2dbcErrors::translate);
    }

    /**
     * The core's copyOut as an operation of this connection, its chunks as they come with the reader's demand; a read
     * in progress for a rollback and the release, as a statement's (REVIEW-20 Y5).
     */
    Flux<ByteBuffer> copyOut(String sql) {
        return lends.placedOnSubscribe(lends.current(), true, connection, () -> {
            beginOperation();
            return session.copyOut(sql);
        }).doOnComplete(tracker::onEnd).doOnError(tracker::onError).onErrorMap(R2dbcErrors::translate);
    }
}
