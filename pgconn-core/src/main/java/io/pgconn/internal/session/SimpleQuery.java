package io.pgconn.internal.session;

import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.QueryResult;
import io.pgconn.internal.query.CommitText;
import io.pgconn.internal.query.CopyRefusal;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SendableQueryText;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.query.SqlScanner;
import io.pgconn.internal.query.StatementTrace;
import io.pgconn.internal.query.TracedStatement;
import io.pgconn.internal.query.TransactionEndText;
import io.pgconn.internal.query.TransactionalText;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.CopyData;
import io.pgconn.internal.protocol.backend.CopyDone;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.EmptyQueryResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.CopyFail;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One simple-query round trip in flight: gathers rows until ReadyForQuery. Used on the event loop only. */
class SimpleQuery extends Exchange {

    final String sql;
    /** Refuses a blocking wait on an event loop ({@link SpinThenParkFuture}), as a statement's future does. */
    final CompletableFuture<QueryResult> result = new SpinThenParkFuture<>(0);
    private final Query message;
    private final String host;
    private List<String> columns = List.of();
    private List<List<String>> rows = new ArrayList<>();
    private QueryResult last;
    /** The tag of the first CommandComplete read: a commit's answer (CommitText.answeredBeforeTheEnd). */
    private String firstTag;
    /** The CommandCompletes read: a statement's of the text each ({@link #completedUndoneByItsError()}). */
    private int completed;
    private PgException error;
    /** An ErrorResponse was read: {@link #error} is set ({@link #serverErrorRead()}). */
    private boolean serverFailed;
    /** COPY may start: later requests wait for our ReadyForQuery, so a CopyInResponse can be refused. */
    private final boolean mayCopy;
    private boolean copyRefused;
    private boolean done;
    /** The core's {@code begin(options)} with {@code READ WRITE} ({@link #readWriteBegin}): known, not read from the text. */
    private boolean readWriteBegin;
    private QuerySession session;

    /** @throws PgException if the SQL cannot be sent (contains NUL) */
    SimpleQuery(String sql, String host) {
        this(new Query(sql), host);
    }

    /** {@code message}: the query text, checked (a text with a NUL cannot be built). */
    private SimpleQuery(Query message, String host) {
        this.sql = message.sql();
        this.host = host;
        this.message = message;
        this.mayCopy = CopyRefusal.mayCopyAnywhere(sql);
    }

    /**
     * The query for {@code sql}: one a tracer follows when {@code trace} is there (the connection's, null
     * without a tracer) and its tracer takes it. Call on the caller's thread: a tracer reads the caller's
     * context (docs/query.md §8).
     *
     * @throws PgException if the SQL cannot be sent (contains NUL): a text that cannot be sent is no statement
     */
    static SimpleQuery of(String sql, String host, StatementTrace trace) {
        if (sql != null) {
            SendableQueryText.require(host, sql, "query text");
        }
        if (trace == null) {
            return new SimpleQuery(sql, host);
        }
        Query message = new Query(sql);
        TracedStatement traced = trace.simple(sql);
        return traced == null ? new SimpleQuery(message, host) : new Traced(message, host, traced);
    }

    /** The tracer's view of it (docs/query.md §8); null for a query no tracer follows. */
    TracedStatement traced() {
        return null;
    }

    /**
     * A simple query a tracer follows. A subclass, not a field of every query: a connection without a tracer
     * makes its queries no larger than before (a reference more would add 8 bytes with the object alignment).
     */
    private static final class Traced extends SimpleQuery {
        private final TracedStatement traced;

        Traced(Query message, String host, TracedStatement traced) {
            super(message, host);
            this.traced = traced;
        }

        @Override
        TracedStatement traced() {
            return traced;
        }
    }

    @Override
    public FrontendMessage messages(QuerySession session) {
        this.session = session;
        return message;
    }

    @Override
    public boolean holdsWrites() {
        return mayCopy && !done;
    }

    /** A simple Query: its ReadyForQuery comes without a Sync of ours, also while it holds the writes. */
    @Override
    public boolean syncPending() {
        return false;
    }

    @Override
    public String text() {
        return sql;
    }

    /** It is the core's {@code begin(options)} whose options say {@code READ WRITE}; call before it is submitted. */
    SimpleQuery readWriteBegin() {
        readWriteBegin = true;
        return this;
    }

    @Override
    public boolean opensReadWriteTransaction() {
        return readWriteBegin || super.opensReadWriteTransaction();
    }

    /**
     * Read from the text, not assumed: a simple query in a transaction whose type lookup waits for its end no
     * longer queues the lookup behind it, holding back what follows it (REVIEW-13 L2), unless a word of it may
     * end the transaction ({@link TransactionEndText#mayEndAnywhere}).
     */
    @Override
    public boolean mayEndTransaction() {
        return TransactionEndText.mayEndAnywhere(sql);
    }

    @Override
    public boolean completedAny() {
        return firstTag != null;
    }

    @Override
    protected PgException serverErrorRead() {
        return serverFailed ? error : null;
    }

    /**
     * A text of several statements runs as one implicit transaction, which the error of one of them rolls back, the
     * ones before it with it: certain when no statement of it may commit on its own ({@link TransactionalText}, the
     * text split as with {@code standard_conforming_strings} on and off, the two alike) and the error came before the
     * last statement's CommandComplete (PostgreSQL commits the text before that one, so an error at the commit comes
     * instead of it).
     */
    @Override
    protected boolean completedUndoneByItsError() {
        List<String> standard = SqlScanner.statements(sql, true);
        List<String> escaped = SqlScanner.statements(sql, false);
        return standard.equals(escaped) && completed < standard.size() && TransactionalText.certainlyAll(standard);
    }

    @Override
    public void onMessage(BackendMessage msg) {
        if (msg instanceof RowDescription description) {
            columns = description.columns().stream().map(RowDescription.Column::name).toList();
            rows = new ArrayList<>();
        } else if (msg instanceof DataRow row) {
            rows.add(row.values());
        } else if (msg instanceof CommandComplete complete) {
            if (firstTag == null) {
                firstTag = complete.tag();
            }
            completed++;
            TracedStatement traced = traced();
            if (traced != null) {
                traced.completed(complete.tag());
            }
            last = new QueryResult(columns, rows, complete.tag());
            columns = List.of();
            rows = new ArrayList<>();
        } else if (msg instanceof EmptyQueryResponse) {
            last = new QueryResult(List.of(), List.of(), "");
        } else if (msg instanceof ErrorResponse response) {
            serverFailed = true;
            if (error == null) {
                error = session.serverError(response.fields(), false);
            }
        } else if (msg instanceof CopyResponse copy && copy.kind() != 'W') {
            refuseCopy(copy.kind() == 'G');
        } else if ((msg instanceof CopyData || msg instanceof CopyDone) && copyRefused) {
            // COPY TO STDOUT's data, read past; its CommandComplete follows
        } else {
            throw new PgProtocolException(host, "server " + host + " sent unexpected " + msg.getClass().getSimpleName()
                    + " in a simple query exchange");
        }
    }

    private void refuseCopy(boolean fromStdin) {
        if (error == null) {
            error = CopyRefusal.notSupported(host, fromStdin);
        }
        copyRefused = true;
        if (fromStdin) {
            if (!session.isLastWritten(this)) {
                throw CopyRefusal.cannotRefuse(host);
            }
            session.write(new CopyFail(CopyRefusal.REASON)); // the server answers with an error, then ReadyForQuery
        }
    }

    @Override
    public void onReady(char status) {
        done = true;
        session.releaseWrites(this);
        TracedStatement traced = traced();
        if (traced != null) {
            traced.ended(error); // before the caller's future completes: a tracer has the end when the caller looks
        }
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(last != null ? last : new QueryResult(List.of(), List.of(), ""));
        }
    }

    /**
     * It is not sent, as nothing needed it (the end of a transaction whose BEGIN rode with a first statement that never
     * came, or failed: {@code DeferredTransactions.end}): a tracer following it hears its end, with {@code failure}
     * or none, so no span stays open.
     */
    void notSent(PgException failure) {
        done = true;
        if (traced() != null) {
            traced().ended(failure);
        }
    }

    @Override
    public void fail(PgException e) {
        done = true;
        if (session != null) {
            session.releaseWrites(this);
        }
        if (CommitText.answeredBeforeTheEnd(sql, firstTag, e) && (error == null || error.endsSession())
                && session.sqlShapes().of(sql).statementCount() <= 1) {
            if (traced() != null) {
                traced().ended(null);
            }
            result.complete(last); // the server answered the COMMIT before the session ended: its outcome is known (query.md §5)
            return;
        }
        PgException failure = CommitText.failure(sql, firstTag, e);
        if (traced() != null) {
            traced().ended(failure);
        }
        result.completeExceptionally(failure);
    }
}
