package io.pgconn.query;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A statement with {@code $1 .. $n} parameters, bound and run with the extended query protocol.
 * Created by {@link io.pgconn.PgConnection#statement(String)}; cheap (no round trip): the server
 * side prepared statement comes from the connection's cache when it runs. Binding is not
 * thread-safe; {@link #execute()} takes a snapshot, so the object may be rebound and run again.
 *
 * <p>Parameter indexes are 0-based: {@code bind(0, x)} binds {@code $1}. A value's Java type picks
 * the parameter's PostgreSQL type ({@code Integer} is int4, {@code String} is left for the server
 * to infer ...); {@link #bindNull(int, Class)} gives a NULL its type. Bindings are checked against
 * the SQL's highest {@code $n} ({@link io.pgconn.PgConnection#sqlShape}) before anything is sent: an
 * index past it is an {@code IndexOutOfBoundsException} at {@code bind}, a parameter left unbound an
 * {@code IllegalStateException} from the execution; both name the index and the count expected,
 * never a value. An index no statement can have (negative, or past the 65,535 parameters the
 * protocol carries) is an {@code IllegalArgumentException} naming it, the range and the host. A text holding several statements, or ending inside a literal, is left to the server.
 */
public interface PgStatement {

    PgStatement bind(int index, Object value);

    /**
     * Binds SQL NULL typed as the PostgreSQL type a parameter of class {@code type} is sent as, by the
     * connection's codec registry (a user codec's class included); {@code Object.class}, {@code String.class}
     * or a class no codec writes: let the server infer.
     */
    PgStatement bindNull(int index, Class<?> type);

    /** Binds SQL NULL of the type with OID {@code typeOid} (0: let the server infer). */
    PgStatement bindNull(int index, int typeOid);

    /**
     * Ends the current parameter set and starts the next: the statement runs once per set, in one
     * exchange (one Sync), so they commit or fail together outside an explicit transaction.
     */
    PgStatement add();

    /**
     * Rows fetched per round trip (Execute with a row limit); 0 (the default) streams the whole
     * result and applies demand by pausing the socket reads instead. See the README for the
     * measured difference.
     */
    PgStatement fetchSize(int rows);

    /**
     * Bounds the statement to {@code timeout}, counted from its submission (time spent queued behind
     * earlier requests on the connection counts); null or zero: none. When it passes while the
     * statement is still queued, it fails at once ("timed out while queued behind N earlier
     * statements"): it is not run, or, when it was already sent (pipelined), it is cancelled when it
     * starts and its results are skipped. When it passes while the statement runs, the server is asked
     * to stop it (CancelRequest, or the portal closed under a fetch size). Either way it fails with
     * {@code PgStatementTimeoutException} (SQLSTATE 57014) and never completes normally; rows after
     * the timeout are dropped. Requests submitted after a statement with a timeout are written only
     * after its end (its cancel must not hit them). docs/query.md §5.
     */
    PgStatement timeout(Duration timeout);

    /**
     * Runs the statement when subscribed (once per subscription): segments in protocol order, with
     * demand honoured. Cancelling the subscription stops the server's work (CancelRequest, or the
     * portal closed under a fetch size) unless a later request was already written behind it, whose
     * work a CancelRequest could cancel instead: then the rest of the rows is read and dropped. The
     * connection stays usable.
     */
    Flow.Publisher<Segment> execute();

    /** Runs the statement now and gathers each execution's result (one per parameter set). */
    CompletableFuture<List<RowSet>> collect();

    /**
     * Runs the statement now and maps each row with {@code mapper} as it arrives, while the server is
     * still sending the rest: decoding overlaps the transfer, where {@link #collect()} leaves it until
     * the last row is in. The result lists the mapped values in row order, over every execution (one
     * per parameter set), and may hold {@code null}s; unmodifiable. Like R2DBC's {@code Result.map}
     * and vert.x's {@code mapping}.
     *
     * <p>The mapper runs on the connection's event loop: keep it short and never block in it (a
     * blocking call there stalls every statement of the connection). It may keep the {@link Row}: a
     * row stays valid afterwards. A mapper that throws fails the future with its exception (not
     * wrapped) and cancels the statement as cancelling a subscription does; the connection stays
     * usable. Cancelling the future cancels the statement. Under a {@link #fetchSize} rows are mapped
     * page by page.
     */
    <T> CompletableFuture<List<T>> map(Function<? super Row, ? extends T> mapper);

    /**
     * Runs the statement now and gives its rows to a reader that blocks: a Spring MVC handler, a
     * virtual thread, a batch job — the shape pgjdbc users know from {@code setFetchSize}. Rows of every
     * execution (one per parameter set) come in order; the metadata and command results are not in it.
     *
     * <p>{@link #execute()}'s subscriber runs on the connection's event loop, so writing each row to a
     * slow HTTP client there would stall every connection on that loop. Here the loop only queues
     * rows: the stream asks for {@code prefetch} rows, then for more as the reader consumes them, so a
     * slow reader slows its own statement alone (reading pauses while the queue is full, as with any
     * missing demand). Each wait for a row blocks the reader's thread; waiting on an event loop thread
     * is refused with an {@code IllegalStateException}.
     *
     * <p>A server error ends the stream with that {@code PgException} thrown from the stream's
     * operation. An interrupt while waiting cancels the statement and throws
     * {@code CancellationException} (the thread's interrupt flag is kept). Close the stream (try with
     * resources) when it may not be read to its end: closing cancels the statement as cancelling a
     * subscription does, and the connection stays usable; an unread, unclosed stream keeps its
     * statement — and every later one of the connection — waiting.
     *
     * @param prefetch rows queued ahead of the reader (at least 1); 256 is a good start
     */
    java.util.stream.Stream<Row> stream(int prefetch);
}
