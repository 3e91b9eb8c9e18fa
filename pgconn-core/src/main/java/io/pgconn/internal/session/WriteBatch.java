package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.transport.BusyPollStrategy;

import java.nio.channels.ClosedChannelException;

/**
 * What a session writes in one event-loop turn, encoded into one buffer and flushed once the loop's
 * current batch of tasks is done: pipelined exchanges share one allocation, one pass through the
 * pipeline and one outbound entry per flush instead of one per exchange. The buffer is released if the channel ends
 * before the flush. Event loop in the session's code, or the caller that owns the session ({@link CallerStart}:
 * {@link #takeRest}, {@link #isEmpty}, {@link #release}); its flush task runs outside the session's doors, which is
 * safe because an owner only ever finds the batch empty ({@link SessionWrites#nothingUnsent}).
 *
 * <p>A flush puts its buffer on the pipeline below {@link FrontendMessageEncoder} (from the encoder's context), not at
 * the pipeline's tail: the buffer is bytes already, which the encoder would only pass on, so the hops through the tail
 * and the encoder are skipped; what lies below it (TLS, {@code CallerCloseGuard}'s flush lock) sees every write as
 * before. The encoder's one other duty for a write, telling a busy-polling loop a request was written, the flush does
 * itself ({@link BusyPollStrategy#requestWritten}). A write the socket took at once (the usual case on the loop) is
 * judged as soon as it returns; only one still pending gets a listener ({@link #written}).
 */
final class WriteBatch {

    private static final int MIN_BUFFER = 256;
    private static final int MAX_BUFFER = 64 * 1024;

    private final Channel channel;
    /** Where flushes enter the pipeline: the encoder's context, or the channel (its tail) in a pipeline without one. */
    private final ChannelHandlerContext belowEncoder;
    /** The flush that writes share, one object for the session's life. */
    private final Runnable flushTask = this::scheduledFlush;
    private ByteBuf pending;
    /** How many bytes the last flush wrote: the next buffer starts that large (pipelining bursts repeat). */
    private int lastFlushBytes;
    private boolean flushScheduled;
    /** Buffers handed to the channel so far; the one being encoded is number {@code flushed + 1}. */
    private long flushed;
    /**
     * Buffers the channel wrote out to the socket whole (their write succeeded). Netty completes a channel's writes in
     * order, so these are buffers 1 .. {@code wholeOut}: nothing of buffer {@code n} reached the socket unless buffer
     * {@code n - 1} did whole ({@link #mayHaveLeft}).
     */
    private long wholeOut;
    private final ChannelFutureListener countWholeOut = this::written;

    /** On {@code channel}'s pipeline as it is once the session's handlers are in it (the encoder never leaves it). */
    WriteBatch(Channel channel) {
        this.channel = channel;
        this.belowEncoder = channel.pipeline().context(FrontendMessageEncoder.INSTANCE);
    }

    /**
     * Encodes {@code message} into this turn's buffer and schedules the flush. A message that cannot
     * be encoded leaves nothing behind: what it wrote is taken back, its exception rethrown and no flush scheduled for
     * it — an Error too (an OutOfMemoryError growing the buffer, a StackOverflowError), which until session 23 left the
     * half-written message in the batch, to go out with the next flush.
     */
    void add(FrontendMessage message) {
        ByteBuf out = pending;
        if (out == null) {
            out = channel.alloc().ioBuffer(Math.min(Math.max(lastFlushBytes, MIN_BUFFER), MAX_BUFFER));
            pending = out;
        }
        int start = out.writerIndex();
        try {
            message.encode(out);
        } catch (Throwable e) {
            out.writerIndex(start);
            throw e;
        }
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    /**
     * The rest of a request a caller began sending on its own thread while it owned the session
     * ({@link CallerStart}; the owner calls this, the loop kept out): it goes out first, with the next
     * flush — before anything the loop writes after it, a close's Terminate included — and a failure of its write ends
     * the session as any of this batch's do ({@link #written}). Returns the flush, for the owner to run on the loop
     * through the session's door; it is marked scheduled, so no other flush task is queued for it.
     */
    Runnable takeRest(ByteBuf rest) {
        ByteBuf before = pending;
        if (before != null) { // not expected (an owned session had nothing encoded): keep the wire order anyway
            rest.writeBytes(before);
            before.release();
        }
        pending = rest;
        flushScheduled = true;
        return flushTask;
    }

    private void scheduledFlush() {
        flushScheduled = false;
        flush();
    }

    /** Writes and flushes what was encoded since the last flush (before anything written to the channel directly: Terminate). */
    void flush() {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            lastFlushBytes = out.readableBytes();
            flushed++;
            ChannelPromise write = channel.newPromise();
            BusyPollStrategy.requestWritten(channel);
            if (belowEncoder != null) {
                belowEncoder.writeAndFlush(out, write);
            } else {
                channel.writeAndFlush(out, write);
            }
            if (write.isDone()) {
                written(write); // what the listener would do at once: done on the loop, inside the write
            } else {
                write.addListener(countWholeOut);
            }
        }
    }

    /**
     * Counts a whole write; a failed one (EPIPE, ECONNRESET on write) goes into the pipeline's {@code exceptionCaught}
     * as Netty's void promise would have sent it, so the session ends with the socket's error as its cause
     * ({@link SessionHandler#exceptionCaught}) and not as if its owner had closed it. Not a
     * {@link ClosedChannelException}: that is Netty failing what was still queued when the channel closed (the owner's
     * close forced on a server that reads nothing, or a close after an error), and that close has its own reason —
     * taken as the cause, it made a close the owner asked for end as a socket failure (REVIEW-18 M1).
     */
    private void written(ChannelFuture write) {
        if (write.isSuccess()) {
            wholeOut++;
        } else if (channel.isRegistered() && !(write.cause() instanceof ClosedChannelException)) {
            channel.pipeline().fireExceptionCaught(write.cause());
        }
    }

    /** The number of the buffer being encoded now: what {@link #add} encodes goes out with it (or never). */
    long current() {
        return flushed + 1;
    }

    /**
     * Whether any byte of buffer {@code batch} ({@link #current()} when it was encoded; 0: none) may have reached the
     * socket, and so the server: it was handed to the channel and the buffer before it went out whole. False means
     * nothing of it left the client (never flushed, or a buffer before it had not gone out when the channel ended).
     */
    boolean mayHaveLeft(long batch) {
        return batch > 0 && batch <= flushed && wholeOut >= batch - 1;
    }

    /** Whether nothing is encoded and waiting for the flush. */
    boolean isEmpty() {
        return pending == null;
    }

    /** Drops what was not flushed: nothing more reaches the server. */
    void release() {
        ByteBuf out = pending;
        if (out != null) {
            pending = null;
            out.release();
        }
    }
}
