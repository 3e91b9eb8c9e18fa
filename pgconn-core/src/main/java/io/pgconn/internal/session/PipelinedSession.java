package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
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
import io.pgconn.internal.protocol.frontend.FrontendMessage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The established session as exchanges and the connection use it: a FIFO of exchanges written without
 * waiting for each other (pipelining) and answered in order, each ending at its ReadyForQuery; the
 * statement cache, codecs and type OIDs, the transaction status, the listeners, and why the session
 * ended ({@link CloseCause}). Its channel handler, {@link SessionHandler}, brings it the server's
 * messages.
 *
 * <p>The FIFO and the order of writes are {@link ExchangeFifo}'s, the hold a CancelRequest puts
 * on later exchanges is {@link CancelHold}'s, notifications and notices go to {@link SessionListeners}
 * (the connection registers its listeners there), the type OID lookup after type DDL and its place in
 * the FIFO are {@link SessionTypeOids}'s, and a simple query a tracer follows is made by
 * {@link SimpleQuery#of}.
 *
 * <p>The session's state is the event loop's, with one exception: a statement started on a caller's thread
 * ({@link #startOnCaller}) owns it for a moment when the session is idle — made, put in the FIFO and sent on that
 * thread — while every place where the loop enters the session's code waits for it ({@link IdleCloseGate}).
 */
public final class PipelinedSession implements QuerySession {

    private final String host;
    private final Map<String, String> parameters;
    private final SessionListeners listeners = new SessionListeners();
    private final CancelHold cancels;
    private final ExchangeFifo fifo;
    private final StatementCache statementCache;
    /** The {@code blockingWaitSpin} setting, in nanoseconds. */
    private final long blockingWaitSpinNanos;
    /** The {@code cancelGrace} setting, in nanoseconds. */
    private final long cancelGraceNanos;
    /** The {@code serverErrorDetail} setting: a server error's DETAIL goes into the exception's message. */
    private final boolean serverErrorDetail;
    private final SqlShapes sqlShapes;
    private final CloseCause closeCause;
    /** Whether the session is idle (a close on the caller's thread, {@link SessionEnd}) or owned by a caller starting a statement. */
    private final IdleCloseGate idle = new IdleCloseGate();
    private volatile ValueCodecs codecs;
    /** The factory's type OID knowledge as this session sees it; watching nothing until the connect path set it (and on replication sessions). */
    private volatile SessionTypeOids typeOids = SessionTypeOids.unwatched();
    /** Null until the factory asks for them ({@link #roleChanges}). */
    private volatile ServerRoleChanges roleChanges;
    /** What is written in one loop turn, encoded into one buffer and flushed after the turn; set with the channel. */
    private WriteBatch writes;
    /** A statement started on a caller's thread ({@link #startOnCaller}); set with the channel. */
    private CallerStart callerStart;
    /** Whether the socket is read (paused for missing demand, read coalescing); set with the channel. */
    private ReadPauses reads;
    /** The handler reading the channel ({@link #readProgress}); set with the channel. */
    private SessionHandler inbound;
    private volatile Channel channel;
    private volatile char transactionStatus = 'I';
    /** What {@link #closeUnanswered} does: set by the connection (its close with a reason). */
    private volatile Consumer<String> closeAction = reason -> { };
    /** Set once when the connection is handed out, if its factory has a tracer (docs/query.md §8). */
    private volatile StatementTrace statementTrace;

    public PipelinedSession(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs) {
        this(host, parameters, statementCacheSize, codecs, 0, ConnDefaults.CANCEL_GRACE.toNanos(), ConnDefaults.SERVER_ERROR_DETAIL);
    }

    public PipelinedSession(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs,
                            long blockingWaitSpinNanos, long cancelGraceNanos, boolean serverErrorDetail) {
        this.blockingWaitSpinNanos = blockingWaitSpinNanos;
        this.cancelGraceNanos = cancelGraceNanos;
        this.serverErrorDetail = serverErrorDetail;
        this.host = host;
        this.closeCause = new CloseCause(host, serverErrorDetail);
        this.parameters = parameters;
        this.statementCache = new StatementCache(statementCacheSize, parameters);
        this.sqlShapes = new SqlShapes(parameters);
        this.codecs = codecs;
        ExchangeFifo[] held = new ExchangeFifo[1];
        this.cancels = new CancelHold(this::eventLoop, () -> held[0].writeUnwritten(), idle);
        this.fifo = held[0] = new ExchangeFifo(this, cancels);
    }

    /** Binds the session to its channel, when {@code inbound} joined the channel's pipeline. */
    void attach(Channel channel, SessionHandler inbound) {
        this.channel = channel;
        this.writes = new WriteBatch(channel);
        this.callerStart = new CallerStart(this, channel, writes, idle, fifo, cancels);
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

    /**
     * Queues an exchange; safe from any thread. Counted in first ({@link IdleCloseGate}): after a close a caller made on
     * its own thread it fails as closed, as on a closed channel.
     */
    @Override
    public void submit(Exchange exchange) {
        Channel ch = channel;
        if (!idle.submitting()) {
            failLater(exchange);
            return;
        }
        if (ch.eventLoop().inEventLoop()) {
            enqueue(exchange);
        } else {
            ch.eventLoop().execute(() -> enqueue(exchange));
        }
    }

    private void enqueue(Exchange exchange) {
        idle.enter();
        try {
            idle.queued();
            if (!channel.isActive()) {
                failLater(exchange);
                return;
            }
            if (typeOids.mayQueueLookup()) {
                typeOids.queueWithLookup(exchange, fifo, transactionStatus, host);
            } else {
                fifo.add(exchange);
            }
        } finally {
            idle.exit();
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

    /** Whether a statement submitted now would bring a type OID lookup with it ({@link SessionTypeOids#mayQueueLookup}). */
    boolean typeLookupDue() {
        return typeOids.mayQueueLookup();
    }

    /** Any thread: runs {@code task} on the event loop as the session's code ({@link #inSession}). */
    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(() -> inSession(task));
    }

    @Override
    public void executeStart(Runnable start) {
        boolean counted = idle.submitting(); // false after a caller's close: its submit then fails as closed
        Runnable task = () -> inSession(() -> {
            try {
                start.run(); // its submit counts itself in before this count goes
            } finally {
                if (counted) {
                    idle.startRan();
                }
            }
        });
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            if (counted) {
                idle.startRan();
            }
            throw e;
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return channel.eventLoop().schedule(() -> inSession(task), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Event loop: runs {@code task} as the session's code, after a caller that owns the session gave it back. */
    @Override
    public void inSession(Runnable task) {
        idle.enter();
        try {
            task.run();
        } finally {
            idle.exit();
        }
    }

    /**
     * Fails {@code exchange} with the closed error, saying it was not sent ({@link LostExchanges#submittedAfterTheEnd}),
     * in a task of its own, not inline: a subscriber that retries on error (Reactor's retry()) would otherwise resubmit
     * from inside fail() and recurse on the event loop's stack.
     */
    private void failLater(Exchange exchange) {
        PgException error = LostExchanges.submittedAfterTheEnd(closeCause.closedError());
        try {
            execute(() -> exchange.fail(error));
        } catch (RejectedExecutionException e) { // the event loops are shut down: nothing can recurse
            exchange.fail(error);
        }
    }

    /**
     * Encodes now and writes once the event loop's current batch of tasks is done: pipelined
     * requests share a buffer and a flush. A message that cannot be encoded ends the connection (as an
     * encoder's failure in the pipeline would), for an Error too: nothing of it reaches the server.
     */
    @Override
    public void write(FrontendMessage message) {
        ByteBuf owners = callerStart == null ? null : callerStart.ownersBuffer();
        if (owners != null) {
            int start = owners.writerIndex();
            try {
                message.encode(owners);
            } catch (Throwable e) {
                owners.writerIndex(start); // nothing of it is sent; the session ends (in a task, after the owner's release)
                failClosed(e);
            }
            return;
        }
        try {
            writes.add(message);
        } catch (Throwable e) {
            // an Error too (an OutOfMemoryError: no direct memory for the buffer): the exchange believes it written
            failClosed(e);
        }
    }

    @Override
    public long writeBatch() {
        return callerStart != null && callerStart.ownersBuffer() != null ? CallerStart.SENT_BY_CALLER : writes.current();
    }

    /**
     * Whether any byte of write buffer {@code batch} may have reached the socket ({@link WriteBatch#mayHaveLeft}); a
     * request a caller sent ({@link #startOnCaller}) may have, also when its send failed (then the session ended).
     */
    boolean mayHaveLeft(long batch) {
        return batch == CallerStart.SENT_BY_CALLER || writes != null && writes.mayHaveLeft(batch);
    }

    /**
     * Ends the session with {@code cause} ({@link SessionHandler#exceptionCaught}: the close cause, the channel closed,
     * a {@link VirtualMachineError} handed to the loop thread's handler); every exchange in flight fails with it.
     */
    void failClosed(Throwable cause) {
        channel.pipeline().fireExceptionCaught(cause);
    }

    /** Writes and flushes what was encoded since the last flush; before anything written to the channel directly (Terminate). */
    void flushPending() {
        writes.flush();
    }

    /** Drops what was encoded and not yet written: nothing more reaches the server. */
    void discardPendingWrites() {
        if (writes != null) {
            writes.release();
        }
    }

    /**
     * A ParameterStatus: the server's setting changed (the statement cache and SQL scanning read the map).
     * A client_encoding other than UTF-8 ends the session ({@link ClientEncodingCheck}).
     */
    void parameterChanged(String name, String value, Exchange current) {
        ClientEncodingCheck.requireUtf8(host, name, value);
        parameters.put(name, value);
        if ("search_path".equals(name)) {
            typeOids.searchPathChanged();
        }
        ServerRoleChanges roles = roleChanges;
        if (roles != null) {
            roles.parameterChanged(name, parameters, current);
        }
    }

    /** Whether the server reported {@code name} (at the start, or since): PostgreSQL 18+ reports search_path. */
    boolean reports(String name) {
        return parameters.containsKey(name);
    }

    /** {@code current}'s statement completed with {@code tag}. */
    void commandCompleted(Exchange current, String tag) {
        if ("DISCARD ALL".equals(tag) || "DEALLOCATE ALL".equals(tag)) {
            statementCache.serverDiscardedAll(current.statementCacheMark());
        }
        typeOids.commandCompleted(tag, current);
    }

    /** {@code current}'s ReadyForQuery: it is answered, and the transaction status is {@code status}. */
    void readyForQuery(Exchange current, char status) {
        transactionStatus = status;
        typeOids.readyForQuery(status); // before the exchange completes: its caller finds the epoch moved
        fifo.answered(current, status);
    }

    /**
     * Event loop: gives the idle gate back the loop's count when nothing is in flight, encoded or in the outbound
     * buffer any more — when the last answered exchange left the FIFO, before its caller's future completes (a caller
     * woken by it and closing at once finds the session idle; what the completion submits counts itself in again),
     * and after a withdrawal. A moment the loop does not see as quiet only sends a close the loop's way.
     */
    void quietWhenIdle() {
        assert mayTouchState() : "the loop gives its count back outside the session's doors";
        WriteBatch batch = writes;
        if (batch != null && fifo.isEmpty() && batch.isEmpty()) {
            io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
            if (out == null || out.totalPendingWriteBytes() == 0) {
                idle.quiet();
            }
        }
    }

    /**
     * Completes with the transaction status once every exchange submitted before the call is answered (or left);
     * fails with the closed error when the session ends first. Safe from any thread: from another, it takes its
     * place in the FIFO in a task queued behind theirs, as {@link #submit} does.
     */
    public CompletableFuture<Character> transactionStatusAfterInFlight() {
        InFlightEnd end = new InFlightEnd();
        Channel ch = channel;
        if (!idle.submitting()) { // counted in as a submit: a caller's close or start waits for it
            end.fail(closeCause.closedError());
            return end.status;
        }
        if (ch.eventLoop().inEventLoop()) {
            queueInFlightEnd(end);
        } else {
            try {
                ch.eventLoop().execute(() -> queueInFlightEnd(end));
            } catch (RejectedExecutionException e) { // the event loops are shut down, and the session with them
                end.fail(closeCause.closedError());
            }
        }
        return end.status;
    }

    private void queueInFlightEnd(InFlightEnd end) {
        idle.enter();
        try {
            idle.queued();
            if (!channel.isActive()) {
                end.fail(closeCause.closedError());
                return;
            }
            fifo.addWaitingForItsTurn(end);
        } finally {
            idle.exit();
        }
    }

    @Override
    public void releaseWrites(Exchange holder) {
        fifo.releaseWrites(holder);
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
    public void requestCancel() {
        cancels.request();
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
     * What {@link #requestCancel()} does: set by the connection, which knows how to reach the server.
     * The returned stage completes when the cancel connection has ended (or the attempt gave up).
     */
    public void cancelAction(Supplier<? extends CompletionStage<?>> action) {
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
    public long blockingWaitSpinNanos() {
        return blockingWaitSpinNanos;
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

    /** Set once by the factory when it hands the session out: from then on the server's role changes reach its host memory. */
    void roleChanges(ServerRoleChanges roleChanges) {
        this.roleChanges = roleChanges;
    }

    /** Set once by the connect path when the type OIDs are known: from then on type DDL is watched and refreshed. */
    void typeOids(SessionTypeOids typeOids) {
        this.typeOids = typeOids;
    }

    @Override
    public boolean typeOidsStale() {
        return typeOids.stale();
    }

    @Override
    public char transactionStatus() {
        return transactionStatus;
    }

    /** Whether a statement is running on the server (event loop only, in the session's code). */
    boolean busy() {
        return !fifo.isEmpty();
    }

    /** Event loop, outside the session's code: whether nothing is in flight ({@code PgConnection.nothingInFlight}). */
    boolean nothingInFlight() {
        idle.enter();
        try {
            return fifo.isEmpty();
        } finally {
            idle.exit();
        }
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
     * Whether this thread may touch the session's loop-only state now (assertions): the loop inside one of the
     * session's doors, or the caller that owns the session ({@link IdleCloseGate}).
     */
    boolean mayTouchState() {
        Channel ch = channel;
        if (ch == null) {
            return true; // not attached yet: nobody else has it
        }
        return ch.eventLoop().inEventLoop() ? idle.loopInside() : (idle.state() & IdleCloseGate.OWNED) != 0;
    }

    /** Requests started on a caller's thread whose bytes, some or all, the loop wrote ({@link #startOnCaller}; tests). */
    long handedToTheLoop() {
        return callerStart == null ? 0 : callerStart.handedToTheLoop();
    }

    /** Whether the session is idle, for a close on the caller's thread. */
    IdleCloseGate idleGate() {
        return idle;
    }

    /** Who hears notifications and notices: the connection registers them, {@link SessionHandler} delivers and ends them. */
    SessionListeners listeners() {
        return listeners;
    }
}
