package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import org.reactivestreams.Publisher;

import java.util.List;

/**
 * What the R2DBC layer needs from one core session to run statements, so the SPI classes do not
 * depend on how the core's query path is shaped. Each method returns the parts of its outcome as a
 * publisher that submits the work to the session when subscribed (so work is answered in
 * subscription order); it is subscribed once. Plain Reactive Streams publishers, not Reactor
 * operator chains: a statement's parts pass through one subscriber on their way to the reader.
 */
interface SessionPort {

    PgConnection connection();

    /**
     * One statement with its parameters ({@link BoundValue}s, one per {@code $n}); {@code fetchSize}
     * 0 = all at once. {@code observer} sees the completion and any failure before the subscriber does.
     */
    Publisher<ResultPart> execute(String sql, List<BoundValue> parameters, int fetchSize, Observer observer);

    /**
     * A script: {@code statements} (one statement each, no parameters) under one Sync, PostgreSQL's
     * script semantics (one implicit transaction outside BEGIN, stopping at the first error). The parts
     * of every statement in order, a completion ending each; the first error ends the stream.
     */
    Publisher<ResultPart> runScript(List<String> statements, Observer observer);

    /**
     * One statement run once per parameter set ({@code sets}, each a {@link BoundValue} per {@code $n}) in one exchange
     * under one Sync (the core's {@code PgStatement.add()}): one implicit transaction outside BEGIN, stopping at the
     * first error. The parts of every execution in order, a completion ending each; the first error ends the stream.
     */
    Publisher<ResultPart> executeSets(String sql, List<List<BoundValue>> sets, Observer observer);

    /** Control SQL without parameters (BEGIN, SET ...), possibly several statements: one completion each. */
    Publisher<ResultPart> executeScript(String sql, Observer observer);

    /**
     * {@code COMMIT} through the core's {@link PgConnection#commit()}, which tells apart a transaction the
     * server rolled back ({@code PgTransactionRolledBackException}) and a commit whose outcome is unknown
     * ({@code PgCommitOutcomeUnknownException}). One completion.
     */
    Publisher<ResultPart> commit(Observer observer);

    /**
     * {@code ROLLBACK} through the core's {@link PgConnection#rollback()}, which sends nothing for a transaction begun
     * with its first statement that no statement joined or whose {@code BEGIN} failed (docs/query.md §5) — a
     * {@code ROLLBACK} sent as text would belong to that transaction, and be refused with its {@code BEGIN}'s error.
     * One completion.
     */
    Publisher<ResultPart> rollback(Observer observer);

    /**
     * {@code COPY ... FROM STDIN} with the bytes {@code data} publishes (the core's {@code copyIn}): the row count.
     * Cancelling fails the COPY (CopyFail). A read in progress until its end ({@link #readsInProgressEnded}).
     */
    Publisher<Long> copyIn(String sql, Publisher<java.nio.ByteBuffer> data);

    /**
     * {@code COPY ... TO STDOUT} (the core's {@code copyOut}): its chunks with the reader's demand. A read in progress
     * until its end ({@link #readsInProgressEnded}).
     */
    Publisher<java.nio.ByteBuffer> copyOut(String sql);

    /**
     * Completes once every statement, script or COPY read from this session that is in progress now (its parts
     * subscribed and not yet ended by completion, error or the reader's cancel) has ended. A read still in
     * progress after {@code grace} is cut off: cancelled as its reader's cancel would (the server is asked to
     * stop its statement when nothing was written behind it; a COPY FROM STDIN is failed with CopyFail), and its
     * reader fails with an {@link io.r2dbc.spi.R2dbcNonTransientResourceException} saying that {@code cutBy} cut it
     * off.
     */
    Publisher<Void> readsInProgressEnded(java.time.Duration grace, String cutBy);

    /** Whether a statement, script or COPY read from this session is in progress now (see {@link #readsInProgressEnded}). */
    boolean readsInProgress();

    /**
     * Sees what passes by on the session (the connection follows its transaction state this way): each
     * command's completion as it comes, then the end of the work — {@link #onEnd()} or
     * {@link #onError} — once the server's ReadyForQuery closing it was read (or the work failed without
     * reaching the server, or the session ended). A reader that cancels may leave the end unseen.
     */
    interface Observer {

        void onCompletion(ResultPart.Completion completion);

        /** The work completed; the core's {@code transactionStatus()} is that of its ReadyForQuery. */
        void onEnd();

        void onError(Throwable error);
    }

    /** A parameter value (never a Blob or Clob: those are read before) and its declared type for NULL. */
    record BoundValue(Object value, Class<?> type) {

        static BoundValue of(Object value) {
            return new BoundValue(value, value.getClass());
        }

        static BoundValue nullOf(Class<?> type) {
            return new BoundValue(null, type);
        }
    }
}
