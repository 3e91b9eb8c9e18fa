package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.QueryResult;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.QuerySession;
import io.pgconn.internal.query.SqlShapes;
import io.pgconn.internal.query.StatementCache;
import io.pgconn.internal.query.ValueCodecs;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoticeResponse;
import io.pgconn.internal.protocol.backend.NotificationResponse;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.query.NoticeListener;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The established session: a FIFO of exchanges written without waiting for each other
 * (pipelining) and answered in order, each ending at its ReadyForQuery; keeps the ParameterStatus
 * map and the transaction status current, delivers notifications and notices, and turns the end
 * of the channel into a clear error for everything still in flight (with the SQLSTATE when the
 * server said why, e.g. 57P01).
 *
 * <p>A server error fails only its exchange: the server skips to that exchange's Sync and answers
 * ReadyForQuery, and the next exchange's answers follow. An answer that breaks the protocol
 * (a DataRow that does not match its description ...) ends the connection: nothing after it can be
 * trusted.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements QuerySession {

    /** How long requests are held back at most while a CancelRequest is under way. */
    static final long CANCEL_HOLD_MAX_MILLIS = 2_000;

    private final String host;
    private final Map<String, String> parameters;
    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    /** Every exchange submitted and not yet answered by its ReadyForQuery, in write order. */
    private final ArrayDeque<Exchange> inFlight = new ArrayDeque<>();
    /** Exchanges waiting to be written while {@link #writeHolder} pages through a portal. */
    private final ArrayDeque<Exchange> unwritten = new ArrayDeque<>();
    private final StatementCache statementCache;
    private final SqlShapes sqlShapes;
    private volatile ValueCodecs codecs;
    private Exchange writeHolder;
    /** The exchange whose messages were written last (a cancel is safe only while it is the head). */
    private Exchange lastWritten;
    /** CancelRequests whose connection the server has not closed yet: later exchanges wait meanwhile. */
    private int cancelsInFlight;
    /** What is written in one loop turn, encoded into one buffer and flushed after the turn; set with the channel. */
    private WriteBatch writes;
    /** Whether the socket is read (paused for missing demand, read coalescing); set with the channel. */
    private ReadPauses reads;
    private volatile Channel channel;
    private volatile PgException closeCause;
    private volatile String closeReason = "closed";
    private volatile char transactionStatus = 'I';
    private volatile NoticeListener noticeListener;
    private volatile Supplier<? extends CompletionStage<?>> cancelAction = () -> CompletableFuture.completedFuture(null);
    /** What {@link #closeUnanswered} does: set by the connection (its close with a reason). */
    private volatile Consumer<String> closeAction = reason -> { };
    /** Server messages read, on the event loop only ({@link #readProgress}). */
    private long messagesRead;
    /** The connection's decoder, counting raw bytes ({@link #readProgress}); absent where a test feeds messages. */
    private BackendMessageDecoder decoder;
    /** CancelRequests sent, on the event loop only ({@link #cancelRequestsSent}). */
    private long cancelRequestsSent;

    /** A session with the built-in codecs and no statement cache (unnamed statements only). */
    public SessionHandler(String host, Map<String, String> parameters) {
        this(host, parameters, 0, new io.pgconn.internal.query.RegistryValueCodecs(io.pgconn.codec.CodecRegistry.defaults()));
    }

    public SessionHandler(String host, Map<String, String> parameters, int statementCacheSize, ValueCodecs codecs) {
        this.host = host;
        this.parameters = parameters;
        this.statementCache = new StatementCache(statementCacheSize);
        this.sqlShapes = new SqlShapes(parameters);
        this.codecs = codecs;
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
            PgException error = closedError();
            try {
                channel.eventLoop().execute(() -> exchange.fail(error));
            } catch (java.util.concurrent.RejectedExecutionException e) { // the event loops are shut down: nothing can recurse
                exchange.fail(error);
            }
            return;
        }
        inFlight.add(exchange);
        // behind what still waits, too: a callback run inside writeUnwritten must not overtake it
        if (writeHolder != null || cancelsInFlight > 0 || !unwritten.isEmpty()) {
            unwritten.add(exchange);
        } else {
            writeExchange(exchange);
        }
        if (inFlight.peek() == exchange) {
            exchange.becameHead();
        }
    }

    private void writeExchange(Exchange exchange) {
        FrontendMessage message;
        try {
            message = exchange.messages(this);
        } catch (RuntimeException e) {
            inFlight.remove(exchange);
            PgException error = e instanceof PgException pg ? pg : new PgProtocolException(host, "cannot write a request to " + host + ": " + e, e);
            // later: the user's callbacks must not run (and submit) in the middle of writeUnwritten
            channel.eventLoop().execute(() -> exchange.fail(error));
            return;
        }
        write(message);
        exchange.writtenAt(statementCache.mark());
        lastWritten = exchange;
        if (exchange.holdsWrites()) {
            writeHolder = exchange;
        }
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
        if (writeHolder != holder) {
            return;
        }
        writeHolder = null;
        writeUnwritten();
    }

    private void writeUnwritten() {
        boolean headLeft = false;
        while (writeHolder == null && cancelsInFlight == 0 && !unwritten.isEmpty()) {
            Exchange next = unwritten.peek();
            if (next.waitsToBeHead()) {
                if (inFlight.peek() != next) {
                    break; // decided after the ReadyForQuery before it (dispatch comes back here)
                }
                if (transactionStatus == 'I') {
                    // no transaction to fail: nothing of it reaches the server (no rejected statement in its log)
                    unwritten.poll();
                    inFlight.poll();
                    headLeft = true;
                    continue;
                }
            }
            writeExchange(unwritten.poll());
        }
        Exchange head;
        if (headLeft && (head = inFlight.peek()) != null) {
            head.becameHead();
        }
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
    public boolean isHead(Exchange exchange) {
        return inFlight.peek() == exchange;
    }

    @Override
    public boolean isLastWritten(Exchange exchange) {
        return lastWritten == exchange;
    }

    /**
     * Asked from {@code onReady}, after dispatch has polled the exchange: so the FIFO is empty when
     * nothing came after it ({@code peekLast() == exchange} only covers a call before the poll).
     */
    @Override
    public boolean nothingSubmittedAfter(Exchange exchange) {
        return inFlight.isEmpty() || inFlight.peekLast() == exchange;
    }

    @Override
    public boolean withdraw(Exchange exchange) {
        // only when it is next and no transaction is open: behind a pipelined BEGIN (or inside a
        // transaction) leaving it out would let a later COMMIT commit without it. Otherwise it waits
        // unwritten for its turn as the head (Exchange.waitsToBeHead, writeUnwritten), and leaves
        // then, or is written as a statement the server rejects inside a transaction (ExtendedExchange)
        if (inFlight.peek() == exchange && transactionStatus == 'I' && unwritten.remove(exchange)) {
            inFlight.remove(exchange);
            return true;
        }
        return false;
    }

    @Override
    public void requestCancel() {
        CompletionStage<?> request;
        try {
            request = cancelAction.get();
        } catch (RuntimeException e) {
            return; // e.g. the event loops are shutting down: nothing was sent
        }
        // PostgreSQL cancels whatever the backend runs when the signal arrives: hold later exchanges
        // back until the server closed the cancel connection (it has signalled the backend by then)
        // bounded here, whatever the action: a cancel delivered later than that can still hit the
        // statement released meanwhile (docs/query.md §5)
        cancelsInFlight++;
        cancelRequestsSent++;
        boolean[] ended = new boolean[1];
        Runnable end = () -> {
            if (!ended[0]) {
                ended[0] = true;
                cancelEnded();
            }
        };
        ScheduledFuture<?> bound = channel.eventLoop().schedule(end, CANCEL_HOLD_MAX_MILLIS, TimeUnit.MILLISECONDS);
        request.whenComplete((ok, error) -> {
            try {
                channel.eventLoop().execute(() -> {
                    bound.cancel(false);
                    end.run();
                });
            } catch (RejectedExecutionException ignored) {
                // the event loop is gone, and the connection with it
            }
        });
    }

    private void cancelEnded() {
        cancelsInFlight--;
        writeUnwritten();
    }

    /**
     * What {@link #requestCancel()} does: set by the connection, which knows how to reach the server.
     * The returned stage completes when the cancel connection has ended (or the attempt gave up).
     */
    public void cancelAction(Supplier<? extends CompletionStage<?>> action) {
        this.cancelAction = action;
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
        return cancelRequestsSent;
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

    /** The transaction status of the last ReadyForQuery: 'I', 'T' or 'E'. */
    public char transactionStatus() {
        return transactionStatus;
    }

    public void noticeListener(NoticeListener listener) {
        this.noticeListener = listener;
    }

    /** Whether a statement is running on the server (event loop only). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    public void addListener(String channelName, NotificationListener listener) {
        NotificationListener previous = listeners.put(channelName, listener);
        if (previous != null && previous != listener) {
            previous.onComplete(null);
        }
    }

    public void removeListener(String channelName) {
        NotificationListener previous = listeners.remove(channelName);
        if (previous != null) {
            previous.onComplete(null);
        }
    }

    /** Stops notification delivery: listeners get their completion signal and no further callbacks. */
    public void stopListening(Throwable cause) {
        for (String name : listeners.keySet()) {
            NotificationListener listener = listeners.remove(name);
            if (listener != null) {
                try {
                    listener.onComplete(cause);
                } catch (RuntimeException ignored) {
                    // a listener's failure must not stop the others from hearing about the close
                }
            }
        }
    }

    /** Marks the close as asked for by the user, so in-flight work fails with "connection closed". */
    public void closingByUser(String reason) {
        closeReason = reason;
    }

    /** The error the server sent before it ended the session (e.g. 57P01 admin shutdown), if any. */
    public PgException closeCause() {
        return closeCause;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messagesRead++;
        try {
            dispatch(ctx, msg);
        } catch (PgProtocolException e) {
            protocolError(ctx, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (closeCause instanceof PgProtocolException) {
            return; // the stream is broken; the channel is closing
        }
        Exchange current = inFlight.peek();
        if (current != null && !current.written()) {
            current = null; // held back (e.g. while a cancel is in flight): nothing of the server's is for it yet
        }
        if (msg instanceof ParameterStatus status) {
            parameters.put(status.name(), status.value());
        } else if (msg instanceof NotificationResponse n) {
            NotificationListener listener = listeners.get(n.channel());
            if (listener != null) {
                try {
                    listener.onNotification(new Notification(n.channel(), n.payload(), n.processId()));
                } catch (RuntimeException ignored) {
                    // a listener's failure must not break the session
                }
            }
        } else if (msg instanceof NoticeResponse notice) {
            NoticeListener listener = noticeListener;
            if (listener != null) {
                try {
                    listener.onNotice(notice.fields());
                } catch (RuntimeException ignored) {
                    // a listener's failure must not break the session
                }
            }
        } else if (msg instanceof ErrorResponse error && current == null) {
            // unsolicited: the server is about to end the session (57P01 admin shutdown, 57P05 idle timeout ...)
            closeCause = PgErrors.fromServer(host, error.fields(), false);
        } else if (current == null) {
            throw new PgProtocolException(host, "server " + host + " sent " + msg.getClass().getSimpleName() + " with no query in flight");
        } else if (msg instanceof ReadyForQuery ready) {
            transactionStatus = ready.transactionStatus();
            inFlight.poll();
            current.onReady(ready.transactionStatus());
            Exchange next = inFlight.peek();
            if (next != null) {
                next.becameHead();
                if (!next.written() && next.waitsToBeHead()) {
                    writeUnwritten(); // the transaction status it waited for is known now
                }
            }
        } else {
            if (msg instanceof CommandComplete complete && isDiscardAll(complete.tag())) {
                statementCache.serverDiscardedAll(current.statementCacheMark());
            }
            if (msg instanceof ErrorResponse error && isFatal(error)) {
                closeCause = PgErrors.fromServer(host, error.fields(), false); // the server ends the session after this
            }
            current.onMessage((io.pgconn.internal.protocol.backend.BackendMessage) msg);
        }
    }

    private static boolean isDiscardAll(String tag) {
        return "DISCARD ALL".equals(tag) || "DEALLOCATE ALL".equals(tag);
    }

    private static boolean isFatal(ErrorResponse error) {
        String severity = error.fields().severity();
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    private void protocolError(ChannelHandlerContext ctx, PgProtocolException error) {
        if (!(closeCause instanceof PgProtocolException)) {
            closeCause = error;
        }
        reads.readToTheEnd();
        ctx.close();
    }

    /** Read coalescing for deep pipelines ({@link ReadPauses#readCompleted}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.readCompleted(inFlight.size() - unwritten.size());
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closeCause == null) {
            closeCause = cause instanceof PgException pg ? pg : new PgClosedException(host, "connection to " + host + " failed: " + cause, cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (writes != null) {
            writes.release(); // nothing more reaches the server
        }
        unwritten.clear();
        writeHolder = null;
        Exchange exchange = inFlight.poll();
        if (exchange != null) { // the error (and its stack trace) only when someone will see it
            PgException error = closedError();
            do {
                try {
                    exchange.fail(error);
                } catch (RuntimeException ignored) {
                    // one exchange's subscriber must not keep the others from hearing about the close
                }
            } while ((exchange = inFlight.poll()) != null);
        }
        stopListening(closeCause);
        ctx.fireChannelInactive();
    }

    private PgException closedError() {
        PgException cause = closeCause;
        if (cause == null) {
            return new PgClosedException(host, "connection to " + host + " " + closeReason);
        }
        return new PgClosedException(host, "connection to " + host + " closed: " + cause.getMessage(), cause.serverFields(), cause);
    }
}
