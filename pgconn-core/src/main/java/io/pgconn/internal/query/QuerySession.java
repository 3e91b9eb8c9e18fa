package io.pgconn.internal.query;

import io.netty.channel.EventLoop;
import io.pgconn.PgException;
import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * What an exchange may ask of the session it runs on. Event loop only, except {@link #eventLoop()}, {@link #execute},
 * {@link #schedule} and {@link #startOnCaller}. Code of the query package that the loop runs on its own (a task, a
 * timer, a subscriber's request or cancel made on the loop) enters the session through {@link #execute},
 * {@link #schedule} or {@link #inSession}: a statement started on a caller's thread may own the session's state
 * meanwhile, and these wait for it (docs/query.md §1).
 */
public interface QuerySession {

    /** {@code host:port} for error messages. */
    String host();

    EventLoop eventLoop();

    /** Any thread: runs {@code task} on the event loop, in the session's code ({@link #inSession}). */
    void execute(Runnable task);

    /**
     * Any thread: queues a statement's start ({@code start} submits its exchange) on the event loop, in the session's
     * code, counted as a submit from now: a start on a caller's thread ({@link #startOnCaller}) or a close on it made
     * after this call cannot overtake it.
     */
    void executeStart(Runnable start);

    /** Any thread: runs {@code task} on the event loop after {@code delayNanos}, in the session's code ({@link #inSession}). */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos);

    /**
     * Event loop: runs {@code task} now as the session's code: after a statement that a caller's thread started
     * ({@link #startOnCaller}) was handed to the loop, when one is being started.
     */
    void inSession(Runnable task);

    /**
     * A thread that is not the event loop: starts a statement on this thread when the session allows it (idle,
     * plaintext on epoll, no tracer): owns the session's state, runs {@code first} (which makes the exchange, or returns
     * null when there is nothing to send), puts the exchange in the FIFO and sends its request on this thread.
     *
     * @return false when nothing ran: the statement takes the loop's way
     */
    boolean startOnCaller(Supplier<? extends Exchange> first);

    StatementCache statementCache();

    /**
     * Whether this thread may touch the session's state now — the loop inside one of the session's doors, or the caller
     * that owns the session while it starts a statement ({@link #startOnCaller}) — for assertions where the query
     * package changes it ({@code StatementRun}, {@link StatementCache}): a missed door fails a test (tests run with
     * assertions on), never silently races. On the loop also where work could go through {@link #inSession}: true, it
     * may run inline, as inSession would run it at once, without a task object (a statement's demand asked from a
     * completion on the loop).
     */
    boolean mayTouchState();

    ValueCodecs codecs();

    /** What SQL texts ask for (placeholders, statements), scanned once per text; safe from any thread. */
    SqlShapes sqlShapes();

    /**
     * The exception for the server's ErrorResponse to a statement of this session ({@code PgErrors.fromServer}),
     * with the DETAIL in its message when the connection's {@code serverErrorDetail} setting lets it in;
     * {@code withParameters}: the statement was sent with parameter values (a data exception's quoted value is cut).
     */
    PgException serverError(ServerErrorFields fields, boolean withParameters);

    /** Queues an exchange at the end of the FIFO (writes it unless an earlier one holds the writes). */
    void submit(Exchange exchange);

    /** Writes (and flushes soon) a message on behalf of the exchange that holds the writes. */
    void write(FrontendMessage message);

    /**
     * The number of the write buffer that what is written now goes out with (one per event-loop turn): an exchange
     * notes it when it writes its execution ({@link Exchange#executionWrittenIn}), so a lost connection can tell
     * whether any of it may have reached the server.
     */
    long writeBatch();

    /** Lets exchanges queued behind {@code holder} be written (its Sync is written). */
    void releaseWrites(Exchange holder);

    /**
     * Whether the channel takes more writes without growing its outbound buffer past Netty's high water mark: a COPY
     * FROM STDIN asks its publisher for more data only then ({@link #whenWritable}).
     */
    boolean writable();

    /**
     * Runs {@code task} once as the session's code when the channel becomes writable again (at once, in a task, when it
     * is); never when the channel ends first (the exchange hears that through {@link Exchange#fail}).
     */
    void whenWritable(Runnable task);

    /** Stops reading the socket until every pauser resumed: the server then blocks on a full socket. */
    void pauseReading(Object pauser);

    void resumeReading(Object pauser);

    /**
     * Whether type DDL ran through the factory since this session last looked up its named types: its
     * next statement outside a transaction looks them up first (docs/codecs.md). Safe from any thread.
     */
    boolean typeOidsStale();

    /** The transaction status of the last ReadyForQuery: 'I', 'T' or 'E'. */
    char transactionStatus();

    /** How many exchanges are ahead of {@code exchange} in the FIFO (0: it is the head), for messages. */
    int exchangesAhead(Exchange exchange);

    /**
     * Whether the server answered {@code exchange} and the session fails it only once a ROLLBACK written for it is
     * answered (a {@code BEGIN READ WRITE} refused on a server turned read-only, docs/query.md §5): a timeout has nothing
     * to stop then.
     */
    boolean awaitsItsRollback(Exchange exchange);

    /** Whether {@code exchange} is the first in the FIFO, i.e. the one the server is working on. */
    boolean isHead(Exchange exchange);

    /**
     * Whether {@code exchange} is the last one written: the server has nothing of ours to run after
     * it, so a CancelRequest cannot hit a later statement (later ones wait while a cancel is in flight).
     */
    boolean isLastWritten(Exchange exchange);

    /** Whether no exchange was submitted after {@code exchange} (written or not). */
    boolean nothingSubmittedAfter(Exchange exchange);

    /**
     * Takes back an exchange that is still waiting to be written: it leaves the FIFO and nothing of
     * it reaches the server. Only when it is the head and no transaction is open; false otherwise
     * (or when it was already written).
     */
    boolean withdraw(Exchange exchange);

    /**
     * Sends a CancelRequest for whatever the backend is running now. Exchanges submitted while it is
     * in flight are written only after the server closed the cancel connection (when it has
     * delivered the signal), so the cancel cannot land on them. Sent again while {@code unanswered} holds a moment after
     * it ended — the statement has not answered, is still the one the server runs, nothing was written after it —: the
     * server drops a CancelRequest that reaches the backend before it read the statement's Execute (docs/query.md §5).
     */
    void requestCancel(java.util.function.BooleanSupplier unanswered);

    /**
     * A CancelRequest may follow ({@link DeferredCancel}): exchanges submitted from now on wait unwritten, as
     * behind one in flight, until {@link #releaseCancelHold()} (called after {@link #requestCancel} when one is
     * sent), so that one sent later still cannot land on a later statement.
     */
    void holdForCancel();

    /** Ends a {@link #holdForCancel()}. */
    void releaseCancelHold();

    /**
     * Grows with every byte read from the server (a piece of a message included, so one large row
     * arriving slowly counts) and every message: whether the server sent anything between two
     * moments. Event loop only.
     */
    long readProgress();

    /**
     * Whether the socket is not being read now ({@link #pauseReading}: a run whose subscriber has no
     * demand, or read coalescing): whatever the server sends meanwhile waits unread, so its silence
     * cannot be told. Event loop only.
     */
    boolean readingPaused();

    /**
     * How long a thread blocked on a statement's future spins before parking: the {@code blockingWaitSpin} setting
     * (0: it parks at once), backing off while the connection's spins keep failing ({@link WaitSpinBackoff}). Safe
     * from any thread.
     */
    WaitSpinBackoff blockingWaitSpin();

    /**
     * How long a server asked to stop a statement may stay silent before the connection is closed as one
     * that stopped answering (the {@code cancelGrace} setting, {@link StatementDeadline}).
     */
    long cancelGraceNanos();

    /**
     * The statement events of this session's connection, or null when its factory has no tracer (or the
     * connection is not handed out yet: the connect's own queries are the connect's). Safe from any thread.
     */
    default StatementTrace statementTrace() {
        return null;
    }

    /** CancelRequests sent on this session so far: whether an abort asked the server to stop, or only wrote a Sync. */
    long cancelRequestsSent();

    /**
     * Closes the session as {@code PgConnection.close} does, with {@code reason} for the work in
     * flight ("closed: ..."): for a server that stopped answering, so that nothing more queues behind
     * a statement it will never finish.
     */
    void closeUnanswered(String reason);
}
