package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.QueryResult;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.ConnDefaults;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SqlShapes;
import io.pgconn.internal.query.StatementCache;
import io.pgconn.internal.query.StatementTrace;
import io.pgconn.internal.query.ValueCodecs;
import io.pgconn.internal.loop.CallerRunEventLoop;
import io.pgconn.internal.query.WaitSpinBackoff;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The established session as exchanges and the connection use it: a FIFO of exchanges written without
 * waiting for each other (pipelining) and answered in order, each ending at its ReadyForQuery; the
 * statement cache, codecs and type OIDs, the transaction status, the listeners, and why the session
 * ended ({@link CloseCause}). Its channel handler, {@link SessionHandler}, brings it the server's
 * messages.
 *
 * <p>The FIFO, the order of writes and the {@code pipeliningLimit} are {@link ExchangeFifo}'s, the hold a CancelRequest puts
 * on later exchanges is {@link CancelHold}'s, notifications and notices go to {@link SessionListeners}
 * (the connection registers its listeners there), the type OID lookup after type DDL and its place in
 * the FIFO are {@link SessionTypeOids}'s, what the server reports besides the answers is {@link ServerReports}',
 * where requests are encoded is {@link SessionWrites}', a transaction begun with its first statement as the caller
 * drives it is {@link DeferredTransactions}', and a simple query a tracer follows is made by {@link SimpleQuery#of}.
 *
 * <p>The session's state is the event loop's, with one exception: a statement started on a caller's thread
 * ({@link #startOnCaller}, {@link CallerStart}) owns it for a moment when the session is idle — made, put in the FIFO
 * and sent on that thread — while every place where the loop enters the session's code ({@link SessionDoors}) waits
 * for it ({@link SessionGate}).
 */
public final class PipelinedSession implements QuerySession {

    private final String host;
    private final SessionListeners listeners = new SessionListeners();
    private final CancelHold cancels;
    private final ExchangeFifo fifo;
    private final StatementCache statementCache;
    /** The {@code blockingWaitSpin} setting and its back-off, shared by the session's statement futures. */
    private volatile WaitSpinBackoff blockingWaitSpin;
    /** The {@code cancelGrace} setting, in nanoseconds. */
    private final long cancelGraceNanos;
    /** The {@code serverErrorDetail} setting: a server error's DETAIL goes into the exception's message. */
    private final boolean serverErrorDetail;
    private final SqlShapes sqlShapes;
    private final CloseCause closeCause;
    /** Who may touch the session now: the loop, a caller owning it to start a statement, or a caller's close. */
    private final SessionGate gate;
    /** The parameters, type OIDs and transaction status as the server reports them. */
    private final ServerReports reports;
    private volatile ValueCodecs codecs;
    /** Where requests are encoded (the owner's buffer or the loop turn's batch); set with the channel. */
    private SessionWrites writes;
    /** How code reaches the session on its loop (doors); set with the channel. */
    private SessionDoors doors;
    /** A statement started on a caller's thread ({@link #startOnCaller}); set with the channel. */
    private CallerStart callerStart;
    /** Whether the socket is read (paused for missing demand, read coalescing); set with the channel. */
    private ReadPauses reads;
    /** The handler reading the channel ({@link #readProgress}); set with the channel. */
    private SessionHandler inbound;
    private volatile Channel channel;
    /** What {@link #closeUnanswered} does: set by the connection (its close with a reason). */
    private volatile Consumer<String> closeAction = reason -> { };
    /** Set once when the connection is handed out, if its factory has a tracer (docs/query.md §8). */
    private volatile StatementTrace statementTrace;
    /** Transactions begun with their first statement: their BEGIN's placement, their end, the status the caller sees. */
    private final DeferredTransactions deferredTransactions;
    /** A busy session's close under way ({@link #closeBusy}), else null. Event loop only. */
    private CancelFirstClose closing;

    public PipelinedSession(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs) {
        this(host, parameters, statementCacheSize, codecs, 0, ConnDefaults.CANCEL_GRACE.toNanos(), ConnDefaults.SERVER_ERROR_DETAIL,
                ConnDefaults.PIPELINING_LIMIT);
    }

    /** {@code pipeliningLimit}: exchanges written and not yet answered at most, 0 = no limit ({@link ExchangeFifo}). */
    public PipelinedSession(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs,
                            long blockingWaitSpinNanos, long cancelGraceNanos, boolean serverErrorDetail, int pipeliningLimit) {
        this.blockingWaitSpin = blockingWaitSpinNanos > 0 ? new WaitSpinBackoff(blockingWaitSpinNanos) : WaitSpinBackoff.NONE;
        this.cancelGraceNanos = cancelGraceNanos;
        this.serverErrorDetail = serverErrorDetail;
        this.host = host;
        this.gate = new SessionGate(host);
        this.closeCause = new CloseCause(host, serverErrorDetail);
        this.statementCache = new StatementCache(statementCacheSize, parameters);
        this.sqlShapes = new SqlShapes(parameters);
        this.codecs = codecs;
        ExchangeFifo[] held = new ExchangeFifo[1];
        this.cancels = new CancelHold(this::eventLoop, () -> {
            held[0].writeUnwritten();
            if (closing != null) {
                closing.cancelEnded();
            }
        }, task -> doors.inSession(task));
        this.fifo = held[0] = new ExchangeFifo(this, cancels, pipeliningLimit);
        this.reports = new ServerReports(host, parameters, statementCache, fifo);
        this.deferredTransactions = new DeferredTransactions(this, fifo, reports);
        assert statementCache.belongsTo(this::mayTouchState) && cancels.belongsTo(this::mayTouchState); // a missed door fails a test
    }

    /** Binds the session to its channel, when {@code inbound} joined the channel's pipeline. */
    void attach(Channel channel, SessionHandler inbound) {
        this.channel = channel;
        if (channel.eventLoop() instanceof CallerRunEventLoop callerRun) {
            // its blocked callers run the loop while they wait (docs/query.md §1): its statement futures know it
            blockingWaitSpin = new WaitSpinBackoff(blockingWaitSpin.spinNanos(), callerRun);
        }
        this.writes = new SessionWrites(channel);
        this.doors = new SessionDoors(channel, gate, closeCause, this::queueSubmitted);
        this.callerStart = new CallerStart(this, channel, writes, gate, fifo, cancels);
        this.reads = new ReadPauses(channel);
        this.inbound = inbound;
    }

    /** Runs {@code sql} with the simple query protocol; safe from any thread. */
    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        SimpleQuery query;
        try {
            query = SimpleQuery.of(sql, host, statementTrace);
        } catch (PgException e) {
            return CompletableFuture.failedFuture(e);
        }
        submit(query);
        return query.result;
    }

    /** Queues an exchange; safe from any thread ({@link SessionDoors#submit}). */
    @Override
    public void submit(Exchange exchange) {
        doors.submit(exchange);
    }

    /** Event loop, in the session's code: puts a submitted exchange in the FIFO, behind a type OID lookup when one is due. */
    private void queueSubmitted(Exchange exchange) {
        SessionTypeOids oids = reports.typeOids();
        if (oids.mayQueueLookup()) {
            oids.queueWithLookup(exchange, fifo, reports.transactionStatus(), host);
        } else {
            fifo.add(exchange);
        }
    }

    /** Starts a statement on this thread when it may ({@link CallerStart}, docs/query.md §1); false: the loop's way. */
    @Override
    public boolean startOnCaller(Supplier<? extends Exchange> first) {
        CallerStart start = callerStart;
        return start != null && start.start(first);
    }

    /** Any thread: announces a close ({@link SessionEnd#close}) before it is made: no start on a caller's thread after it. */
    void closeAsked() {
        CallerStart start = callerStart;
        if (start != null) {
            start.closeAsked();
        }
    }

    /** Any thread: runs {@code task} on the event loop as the session's code ({@link SessionDoors}). */
    @Override
    public void execute(Runnable task) {
        doors.execute(task);
    }

    @Override
    public void executeStart(Runnable start) {
        doors.executeStart(start);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return doors.schedule(task, delayNanos);
    }

    @Override
    public void inSession(Runnable task) {
        doors.inSession(task);
    }

    /** Encodes now, written after the loop's current tasks or by the owner ({@link SessionWrites#write}). */
    @Override
    public void write(FrontendMessage message) {
        writes.write(message);
    }

    @Override
    public long writeBatch() {
        return writes.current();
    }

    /**
     * Ends the session with {@code cause} ({@link SessionHandler#exceptionCaught}: the close cause, the channel closed,
     * a {@link VirtualMachineError} handed to the loop thread's handler); every exchange in flight fails with it.
     */
    void failClosed(Throwable cause) {
        channel.pipeline().fireExceptionCaught(cause);
    }

    /** Where requests are encoded and whether any may have left ({@link SessionWrites}); null before the channel. */
    SessionWrites writes() {
        return writes;
    }

    /** What the server reports besides an exchange's answers ({@link SessionHandler}, the connect path). */
    ServerReports serverReports() {
        return reports;
    }

    /**
     * Event loop: gives the gate back the loop's count when nothing is in flight, encoded or in the outbound
     * buffer any more — when the last answered exchange left the FIFO, before its caller's future completes (a caller
     * woken by it and closing at once finds the session idle; what the completion submits counts itself in again),
     * and after a withdrawal. A moment the loop does not see as quiet only sends a close the loop's way.
     */
    void quietWhenIdle() {
        assert mayTouchState() : "the loop gives its count back outside the session's doors";
        SessionWrites pending = writes;
        if (pending != null && fifo.isEmpty() && pending.nothingLeftToWrite()) {
            gate.quiet();
        }
    }

    /** Transactions begun with their first statement, as the caller drives them ({@link TransactionCommands}, docs/query.md §5). */
    DeferredTransactions deferredTransactions() {
        return deferredTransactions;
    }

    /** Any thread: the transaction status as the connection's caller sees it ({@link DeferredTransactions#seenByCaller}). */
    public char transactionStatusSeenByCaller() {
        return deferredTransactions.seenByCaller();
    }

    /** The transaction status once every exchange submitted before the call is answered ({@link InFlightEnd#queue}). */
    public CompletableFuture<Character> transactionStatusAfterInFlight() {
        return InFlightEnd.queue(this);
    }

    @Override
    public void releaseWrites(Exchange holder) {
        fifo.releaseWrites(holder);
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void whenWritable(Runnable task) {
        WritabilityWait.whenWritable(channel, () -> doors.inSession(task));
    }

    @Override
    public void pauseReading(Object pauser) {
        reads.pause(pauser);
    }

    @Override
    public void resumeReading(Object pauser) {
        reads.resume(pauser);
    }

    @Override
    public int exchangesAhead(Exchange exchange) {
        return fifo.ahead(exchange);
    }

    @Override
    public boolean awaitsItsRollback(Exchange exchange) {
        return fifo.awaitsItsRollback(exchange);
    }

    @Override
    public boolean isHead(Exchange exchange) {
        return fifo.isHead(exchange);
    }

    @Override
    public boolean isLastWritten(Exchange exchange) {
        return fifo.isLastWritten(exchange);
    }

    @Override
    public boolean nothingSubmittedAfter(Exchange exchange) {
        return fifo.nothingSubmittedAfter(exchange);
    }

    @Override
    public boolean withdraw(Exchange exchange) {
        if (fifo.withdraw(exchange)) {
            quietWhenIdle();
            return true;
        }
        return false;
    }

    @Override
    public void requestCancel(java.util.function.BooleanSupplier unanswered) {
        cancels.request(unanswered);
    }

    @Override
    public void holdForCancel() {
        cancels.hold();
    }

    @Override
    public void releaseCancelHold() {
        cancels.releaseHold();
    }

    /**
     * What {@link #requestCancel} does: set by the connection, which knows how to reach the server.
     * The returned future completes when the cancel connection has ended (or the attempt gave up); completing it
     * from outside ends the request, its connection closed.
     */
    public void cancelAction(Supplier<? extends CompletableFuture<?>> action) {
        cancels.action(action);
    }

    /** What {@link #closeUnanswered} does: set by the connection, which owns the close path. */
    public void closeAction(Consumer<String> action) {
        this.closeAction = action;
    }

    @Override
    public long readProgress() {
        return inbound.readProgress();
    }

    @Override
    public boolean readingPaused() {
        return reads.paused();
    }

    @Override
    public StatementTrace statementTrace() {
        return statementTrace;
    }

    /** Its statements are told to {@code trace} from now on: set once, when the connection is handed out. */
    void statementTrace(StatementTrace trace) {
        this.statementTrace = trace;
    }

    @Override
    public PgException serverError(ServerErrorFields fields, boolean withParameters) {
        return PgErrors.fromServer(host, fields, false, withParameters, serverErrorDetail);
    }

    @Override
    public long cancelRequestsSent() {
        return cancels.sent();
    }

    @Override
    public void closeUnanswered(String reason) {
        closeAction.accept(reason);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public WaitSpinBackoff blockingWaitSpin() {
        return blockingWaitSpin;
    }

    @Override
    public long cancelGraceNanos() {
        return cancelGraceNanos;
    }

    @Override
    public StatementCache statementCache() {
        return statementCache;
    }

    @Override
    public SqlShapes sqlShapes() {
        return sqlShapes;
    }

    @Override
    public ValueCodecs codecs() {
        return codecs;
    }

    /** Replaces the codecs (once the connection knows its extension types' OIDs). */
    public void codecs(ValueCodecs codecs) {
        this.codecs = codecs;
    }


    @Override
    public boolean typeOidsStale() {
        return reports.typeOids().stale();
    }

    @Override
    public char transactionStatus() {
        return reports.transactionStatus();
    }

    /**
     * Event loop, in the session's code: the loop's close of a busy session begins ({@link CancelFirstClose}, docs/lifecycle.md
     * §4) — its CancelRequest sent, the socket read to the server's end whatever the pauses, what arrives dropped, and
     * the work in flight failed now with the close's reason (as it would be when the channel closes). Its CancelRequests
     * are sent as a statement's ({@link #cancelAction}).
     *
     * @return the close under way
     */
    CancelFirstClose closeBusy() {
        assert mayTouchState() : "a close made outside the session's doors";
        CancelFirstClose close = new CancelFirstClose(channel, this, cancels, fifo.readiesOwed(), fifo.lastWrittenHoldsItsSync(),
                fifo.lastWrittenMayCopyInUnsynced());
        closing = close;
        reads.readToTheEnd();
        close.start();
        fifo.failAll(closeCause::closedError);
        quietWhenIdle();
        return close;
    }

    /** A busy session's close under way ({@link SessionHandler}: what is read then is its), else null. */
    CancelFirstClose closing() {
        return closing;
    }

    /** Whether a statement is running on the server (event loop only, in the session's code). */
    boolean busy() {
        return !fifo.isEmpty();
    }

    /** Event loop, outside the session's code: completes {@code answer} with whether nothing is in flight ({@code PgConnection.nothingInFlight}). */
    void nothingInFlight(CompletableFuture<Boolean> answer) {
        doors.inSession(() -> answer.complete(fifo.isEmpty()));
    }

    /** The FIFO the server's answers are dispatched from ({@link SessionHandler}). */
    ExchangeFifo fifo() {
        return fifo;
    }

    /** Whether the socket is read ({@link SessionHandler}: read coalescing, a broken stream read to its end). */
    ReadPauses reads() {
        return reads;
    }

    /**
     * Why the session ended, as far as known: {@link SessionHandler} records what the server and the pipeline say,
     * {@link SessionEnd} a close asked for by the user (in-flight work then fails with "connection closed").
     */
    CloseCause whyEnded() {
        return closeCause;
    }

    /**
     * Whether this thread may touch the session's loop-only state now (assertions; {@link SessionGate#mayTouchState}):
     * also before the channel is attached (nobody else has the session yet) and after its event loop shut down (work
     * refused there is failed on the caller's thread: nobody else runs any more).
     */
    @Override
    public boolean mayTouchState() {
        Channel ch = channel;
        return ch == null || gate.mayTouchState(ch.eventLoop().inEventLoop()) || ch.eventLoop().isShutdown();
    }

    /** The start of a statement on a caller's thread (tests: its seams); null before the channel. */
    CallerStart callerStart() {
        return callerStart;
    }

    /** Requests started on a caller's thread whose bytes, some or all, the loop wrote ({@link #startOnCaller}; tests). */
    long handedToTheLoop() {
        return callerStart == null ? 0 : callerStart.handedToTheLoop();
    }

    /** Who may touch the session now ({@link SessionGate}): the loop's doors, a caller's start, a caller's close. */
    SessionGate gate() {
        return gate;
    }

    /** Whether the channel is open and connected. */
    boolean channelActive() {
        return channel.isActive();
    }

    /** Who hears notifications and notices: the connection registers them, {@link SessionHandler} delivers and ends them. */
    SessionListeners listeners() {
        return listeners;
    }
}
