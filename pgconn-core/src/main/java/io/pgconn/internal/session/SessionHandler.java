package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.FatalErrors;
import io.pgconn.NotificationListener;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.QueryResult;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SqlShapes;
import io.pgconn.internal.query.StatementCache;
import io.pgconn.internal.query.ValueCodecs;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.query.NoticeListener;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The established session: a FIFO of exchanges written without waiting for each other
 * (pipelining) and answered in order, each ending at its ReadyForQuery; keeps the ParameterStatus
 * map and the transaction status current, delivers notifications and notices, and turns the end
 * of the channel into a clear error for everything still in flight (with the SQLSTATE when the
 * server said why, e.g. 57P01; {@link CloseCause}).
 *
 * <p>A server error fails only its exchange: the server skips to that exchange's Sync and answers
 * ReadyForQuery, and the next exchange's answers follow. An answer that breaks the protocol
 * (a DataRow that does not match its description ...) ends the connection: nothing after it can be
 * trusted.
 *
 * <p>The FIFO and the order of writes are {@link ExchangeFifo}'s, the hold a CancelRequest puts
 * on later exchanges is {@link CancelHold}'s, notifications and notices go to {@link SessionListeners}.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements QuerySession {

    private final String host;
    private final Map<String, String> parameters;
    private final SessionListeners listeners = new SessionListeners();
    private final CancelHold cancels;
    private final ExchangeFifo fifo;
    private final StatementCache statementCache;
    /** The {@code blockingWaitSpin} setting, in nanoseconds. */
    private final long blockingWaitSpinNanos;
    private final SqlShapes sqlShapes;
    private volatile ValueCodecs codecs;
    /** The factory's type OID knowledge as this session sees it; null until the connect path set it (and on replication sessions). */
    private volatile SessionTypeOids typeOids;
    /** What is written in one loop turn, encoded into one buffer and flushed after the turn; set with the channel. */
    private WriteBatch writes;
    /** Whether the socket is read (paused for missing demand, read coalescing); set with the channel. */
    private ReadPauses reads;
    private volatile Channel channel;
    private final CloseCause closeCause;
    private volatile char transactionStatus = 'I';
    /** What {@link #closeUnanswered} does: set by the connection (its close with a reason). */
    private volatile Consumer<String> closeAction = reason -> { };
    /** Server messages read, on the event loop only ({@link #readProgress}). */
    private long messagesRead;
    /** The connection's decoder, counting raw bytes ({@link #readProgress}); absent where a test feeds messages. */
    private BackendMessageDecoder decoder;

    public SessionHandler(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs) {
        this(host, parameters, statementCacheSize, codecs, 0);
    }

    public SessionHandler(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs,
                          long blockingWaitSpinNanos) {
        this.blockingWaitSpinNanos = blockingWaitSpinNanos;
        this.host = host;
        this.closeCause = new CloseCause(host);
        this.parameters = parameters;
        this.statementCache = new StatementCache(statementCacheSize, parameters);
        this.sqlShapes = new SqlShapes(parameters);
        this.codecs = codecs;
        ExchangeFifo[] held = new ExchangeFifo[1];
        this.cancels = new CancelHold(this::eventLoop, () -> held[0].writeUnwritten());
        this.fifo = held[0] = new ExchangeFifo(this, cancels);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        writes = new WriteBatch(channel);
        reads = new ReadPauses(channel);
        decoder = ctx.pipeline().get(BackendMessageDecoder.class);
    }

    /** Runs {@code sql} with the simple query protocol; safe from any thread. */
    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        SimpleQuery query;
        try {
            query = new SimpleQuery(sql, host);
        } catch (PgException e) {
            return CompletableFuture.failedFuture(e);
        }
        submit(query);
        return query.result;
    }

    /** Queues an exchange; safe from any thread. */
    @Override
    public void submit(Exchange exchange) {
        Channel ch = channel;
        if (ch.eventLoop().inEventLoop()) {
            enqueue(exchange);
        } else {
            ch.eventLoop().execute(() -> enqueue(exchange));
        }
    }

    private void enqueue(Exchange exchange) {
        if (!channel.isActive()) {
            // failed in a task of its own, not inline: a subscriber that retries on error (Reactor's retry())
            // would otherwise resubmit from inside fail() and recurse on the event loop's stack
            PgException error = closeCause.closedError();
            try {
                channel.eventLoop().execute(() -> exchange.fail(error));
            } catch (RejectedExecutionException e) { // the event loops are shut down: nothing can recurse
                exchange.fail(error);
            }
            return;
        }
        SessionTypeOids types = typeOids;
        Exchange refresh = types == null ? null : types.refreshBefore(transactionStatus, host);
        if (refresh != null) {
            fifo.add(refresh);
        }
        fifo.add(exchange);
    }

    /**
     * Encodes now and writes once the event loop's current batch of tasks is done: pipelined
     * requests share a buffer and a flush. A message that cannot be encoded leaves nothing behind
     * and ends the connection (as an encoder's failure in the pipeline would).
     */
    @Override
    public void write(FrontendMessage message) {
        try {
            writes.add(message);
        } catch (RuntimeException e) {
            channel.pipeline().fireExceptionCaught(e);
        }
    }

    /** Writes and flushes what was encoded since the last flush; before anything written to the channel directly (Terminate). */
    void flushPending() {
        writes.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (writes != null) {
            writes.release();
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
        return fifo.withdraw(exchange);
    }

    @Override
    public void requestCancel() {
        cancels.request();
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
        BackendMessageDecoder bytes = decoder;
        return (bytes == null ? 0 : bytes.bytesReceived()) + messagesRead;
    }

    @Override
    public boolean readingPaused() {
        return reads.paused();
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

    /** Set once by the connect path when the type OIDs are known: from then on type DDL is watched and refreshed. */
    void typeOids(SessionTypeOids typeOids) {
        this.typeOids = typeOids;
    }

    @Override
    public boolean typeOidsStale() {
        SessionTypeOids types = typeOids;
        return types != null && types.stale();
    }

    @Override
    public char transactionStatus() {
        return transactionStatus;
    }

    public void noticeListener(NoticeListener listener) {
        listeners.noticeListener(listener);
    }

    /** Whether a statement is running on the server (event loop only). */
    boolean busy() {
        return !fifo.isEmpty();
    }

    public void addListener(String channelName, NotificationListener listener) {
        listeners.add(channelName, listener);
    }

    public void removeListener(String channelName) {
        listeners.remove(channelName);
    }

    /**
     * Stops notification delivery: listeners get their completion signal and no further callbacks. On the
     * event loop: a listener's {@link VirtualMachineError} goes to the loop thread's uncaught-exception
     * handler ({@link FatalOnLoop}) once every listener has had its end.
     */
    public void stopListening(Throwable cause) {
        try {
            listeners.stop(cause);
        } catch (VirtualMachineError fatal) {
            FatalOnLoop.handToTheThread(fatal);
        }
    }

    /** Marks the close as asked for by the user, so in-flight work fails with "connection closed". */
    public void closingByUser(String reason) {
        closeCause.closing(reason);
    }

    /** The error the server sent before it ended the session (e.g. 57P01 admin shutdown), if any. */
    public PgException closeCause() {
        return closeCause.cause();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messagesRead++;
        try {
            dispatch(msg);
            if (msg instanceof ErrorResponse error && error.fields().endsSession()) {
                // a FATAL (or PANIC): PostgreSQL exits after it, so nothing more can come. Closed
                // here, not when the server's close arrives: a proxy or a stuck server that keeps the
                // socket open would otherwise leave a connection that reports itself open and takes
                // requests nobody will answer
                ctx.close();
            }
        } catch (PgProtocolException e) {
            protocolError(ctx, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(Object msg) {
        if (closeCause.streamBroken()) {
            return; // the stream is broken; the channel is closing
        }
        Exchange current = fifo.answering();
        if (msg instanceof ErrorResponse error && error.fields().endsSession()) {
            // the server ends the session after this: an exchange's answer, or unsolicited (57P01 admin
            // shutdown, 57P05 idle timeout, 25P03 idle in transaction timeout ...)
            closeCause.endedByServer(error.fields());
            if (current == null) {
                return;
            }
        }
        if (msg instanceof ParameterStatus status) {
            parameters.put(status.name(), status.value());
        } else if (listeners.deliver(msg)) {
            return; // a notification or a notice
        } else if (current == null) {
            throw closeCause.noQueryInFlight(msg);
        } else if (msg instanceof ReadyForQuery ready) {
            transactionStatus = ready.transactionStatus();
            SessionTypeOids types = typeOids;
            if (types != null) {
                types.readyForQuery(ready.transactionStatus()); // before the exchange completes: its caller finds the epoch moved
            }
            fifo.answered(current, ready.transactionStatus());
        } else {
            if (msg instanceof CommandComplete complete) {
                if (isDiscardAll(complete.tag())) {
                    statementCache.serverDiscardedAll(current.statementCacheMark());
                }
                SessionTypeOids types = typeOids;
                if (types != null) {
                    types.commandCompleted(complete.tag());
                }
            }
            current.onMessage((BackendMessage) msg);
        }
    }

    private static boolean isDiscardAll(String tag) {
        return "DISCARD ALL".equals(tag) || "DEALLOCATE ALL".equals(tag);
    }

    private void protocolError(ChannelHandlerContext ctx, PgProtocolException error) {
        closeCause.protocolViolated(error);
        reads.readToTheEnd();
        ctx.close();
    }

    /** Read coalescing for deep pipelines ({@link ReadPauses#readCompleted}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.readCompleted(fifo.writtenUnanswered());
        ctx.fireChannelReadComplete();
    }

    /**
     * What this handler's callbacks threw (Netty catches it and brings it here): the session ends with it
     * as the cause. A {@link VirtualMachineError} (a notification or notice listener's, a codec's) is then
     * also handed to the loop thread's uncaught-exception handler ({@link FatalOnLoop}): thrown on from
     * here, Netty would only log it.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeCause.failed(cause);
        ctx.close();
        if (FatalErrors.isFatal(cause)) {
            FatalOnLoop.handToTheThread((VirtualMachineError) cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (writes != null) {
            writes.release(); // nothing more reaches the server
        }
        fifo.failAll(closeCause::closedError);
        stopListening(closeCause.cause());
        ctx.fireChannelInactive();
    }
}
