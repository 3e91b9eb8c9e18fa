package io.pgconn.internal.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.FatalErrors;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.protocol.BackendMessageBatch;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.backend.BackendMessage;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ReadyForQuery;

/**
 * The established session's channel handler: brings each server message to the exchange it answers
 * (the head of the {@link PipelinedSession}'s FIFO), keeps the ParameterStatus map and the transaction
 * status current, hands notifications and notices to the listeners, and turns the end of the channel
 * into a clear error for everything still in flight (with the SQLSTATE when the server said why, e.g.
 * 57P01; {@link CloseCause}).
 *
 * <p>A server error fails only its exchange: the server skips to that exchange's Sync and answers
 * ReadyForQuery, and the next exchange's answers follow. An answer that breaks the protocol
 * (a DataRow that does not match its description ...) ends the connection: nothing after it can be
 * trusted.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private final PipelinedSession session;
    /** Server messages read, on the event loop only ({@link #readProgress}). */
    private long messagesRead;
    /** The connection's decoder, counting raw bytes ({@link #readProgress}); absent where a test feeds messages. */
    private BackendMessageDecoder decoder;
    /** This handler's place in its pipeline (set when added; a handler is in one pipeline only): for a deferred read. */
    private ChannelHandlerContext ctx;
    /** The channel's event loop (set when added): where deferred work runs, read once, not per message. */
    private EventLoop loop;

    public SessionHandler(PipelinedSession session) {
        this.session = session;
    }

    public PipelinedSession session() {
        return session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.loop = ctx.channel().eventLoop();
        decoder = ctx.pipeline().get(BackendMessageDecoder.class);
        session.attach(ctx.channel(), this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        SessionGate door = session.gate();
        if (!door.enterOrDefer(SessionHandler::handlerRemoved, this, ctx, loop)) {
            return; // a caller owns the session: after it
        }
        try {
            session.writes().discardPending();
        } finally {
            door.exit();
        }
    }

    /** {@link io.pgconn.internal.query.QuerySession#readProgress}: raw bytes read and messages dispatched. */
    long readProgress() {
        BackendMessageDecoder bytes = decoder;
        return (bytes == null ? 0 : bytes.bytesReceived()) + messagesRead;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BackendMessageBatch batch) {
            messagesRead += batch.size();
            readBatch(ctx, batch);
            return;
        }
        messagesRead++;
        read(ctx, msg);
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        SessionGate door = session.gate();
        if (!door.enterOrDefer(SessionHandler::readDeferred, this, msg, loop)) {
            return; // a caller starting a statement owns the session and has not given it back: read after it, in order
        }
        try {
            readInside(ctx, msg);
        } finally {
            door.exit();
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The messages of one socket read ({@link BackendMessageBatch}), in order, inside one door. Each is read as if it
     * had come alone: what one throws goes where Netty would bring a single message's exception
     * ({@link #exceptionCaught}), and the next is read after it.
     */
    private void readBatch(ChannelHandlerContext ctx, BackendMessageBatch batch) {
        SessionGate door = session.gate();
        if (!door.enterOrDefer(SessionHandler::readDeferred, this, batch, loop)) {
            batch.keep(); // read after this channelRead: the decoder must not fill it again
            return; // a caller starting a statement owns the session: the whole read after it, in order
        }
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                try {
                    readInside(ctx, batch.get(i));
                } catch (Throwable e) {
                    exceptionCaught(ctx, e);
                }
            }
        } finally {
            door.exit();
        }
    }

    /** One message, inside the door. */
    private void readInside(ChannelHandlerContext ctx, Object msg) {
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
        }
    }

    /** A read the owner's release let through: what it throws ends the session, as Netty does with channelRead's. */
    private void readDeferred(Object msg) {
        try {
            if (msg instanceof BackendMessageBatch batch) {
                readBatch(ctx, batch);
            } else {
                read(ctx, msg);
            }
        } catch (Throwable e) {
            exceptionCaught(ctx, e);
        }
    }

    private void dispatch(Object msg) {
        CloseCause closeCause = session.whyEnded();
        if (closeCause.streamBroken()) {
            return; // the stream is broken; the channel is closing
        }
        CancelFirstClose closing = session.closing();
        if (closing != null) {
            closing.read(msg); // the work in flight failed with the close's reason: what arrives is dropped
            return;
        }
        Exchange current = session.fifo().answering();
        if (msg instanceof ErrorResponse error && error.fields().endsSession()) {
            // the server ends the session after this: an exchange's answer, or unsolicited (57P01 admin
            // shutdown, 57P05 idle timeout, 25P03 idle in transaction timeout ...)
            closeCause.endedByServer(error.fields());
            if (current == null) {
                return;
            }
        }
        if (msg instanceof ParameterStatus status) {
            session.serverReports().parameterChanged(status.name(), status.value(), current);
        } else if (session.listeners().deliver(msg)) {
            return; // a notification or a notice
        } else if (current == null) {
            throw closeCause.noQueryInFlight(msg);
        } else if (msg instanceof ReadyForQuery ready) {
            session.serverReports().readyForQuery(current, ready.transactionStatus());
        } else if (current.answersCarriedBegin((BackendMessage) msg)) {
            return; // the BEGIN riding in front of the statement (DeferredBegin): its answers are not the statement's
        } else {
            if (msg instanceof CommandComplete complete) {
                session.serverReports().commandCompleted(current, complete.tag());
            }
            current.onMessage((BackendMessage) msg);
        }
    }

    private void protocolError(ChannelHandlerContext ctx, PgProtocolException error) {
        session.whyEnded().protocolViolated(error);
        session.reads().readToTheEnd();
        ctx.close();
    }

    /**
     * Read coalescing for deep pipelines ({@link ReadPauses#readCompleted}). Only while the loop holds its count: without
     * it the FIFO is empty, or holds the one request of a caller that owns the session or owned it since (a caller owns
     * it only from idle), far below {@link ReadPauses#COALESCE_MIN_UNANSWERED}, so there is nothing to decide. Not
     * entering then matters to a blocked caller's next statement: the read that completed it ends here while the caller,
     * woken, is starting its next one on its own thread; a door would spin for that owner's send on a CPU the server's
     * backend needs for that statement, then defer its work and keep the next owner out until it ran.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        SessionGate door = session.gate();
        if (door.loopHasWork()) {
            if (!door.enterOrDefer(SessionHandler::channelReadComplete, this, ctx, loop)) {
                return; // after the reads deferred before it
            }
            try {
                session.reads().readCompleted(session.fifo().writtenUnanswered());
            } finally {
                door.exit();
            }
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * What this handler's callbacks threw (Netty catches it and brings it here): the session ends with it
     * as the cause. A {@link VirtualMachineError} (a notification or notice listener's, a codec's) is then
     * also handed to the loop thread's uncaught-exception handler ({@link FatalErrors#handToTheThread}): thrown on from
     * here, Netty would only log it.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SessionGate door = session.gate();
        if (!door.enterOrDefer(SessionHandler::exceptionCaught, this, cause, loop)) {
            return;
        }
        try {
            session.whyEnded().failed(cause);
            ctx.close();
        } finally {
            door.exit();
        }
        if (FatalErrors.isFatal(cause)) {
            FatalErrors.handToTheThread((VirtualMachineError) cause);
        }
    }

    /** {@link #exceptionCaught(ChannelHandlerContext, Throwable)} deferred for a caller's start. */
    private void exceptionCaught(Throwable cause) {
        exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        SessionGate door = session.gate();
        if (!door.enterOrDefer(SessionHandler::channelInactive, this, ctx, loop)) {
            return;
        }
        try {
            session.writes().discardPending(); // nothing more reaches the server
            CloseCause closeCause = session.whyEnded();
            session.fifo().failAll(closeCause::closedError);
            session.listeners().stop(closeCause.cause());
        } finally {
            door.exit();
        }
        ctx.fireChannelInactive();
    }
}
