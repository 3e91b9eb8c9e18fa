package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

/**
 * Where a session's requests are encoded: into the owner's buffer while a caller that owns the session puts its
 * statement in the FIFO ({@link CallerStart}, docs/query.md §1), else into the loop turn's {@link WriteBatch}; which
 * write a request goes out with and whether any of it may have left ({@link LostExchanges}); and whether anything is
 * still encoded or unsent (the loop's quiet moment, a caller's start). Event loop in the session's code, or the owner.
 */
final class SessionWrites {

    /** The write "buffer" of a request the caller sent ({@link #current()}): some of it may have reached the server. */
    static final long SENT_BY_CALLER = Long.MAX_VALUE;

    /** {@link #ownersRequest}: some of the owner's request left on its own send (or it is not known that none did). */
    private static final long SOME_LEFT = -1;

    private final Channel channel;
    private final WriteBatch batch;
    /** Where the owner's request is encoded while it puts it in the FIFO; null otherwise (owner or event loop). */
    private ByteBuf ownersBuffer;
    /**
     * What became of the last request a caller sent ({@link #mayHaveLeft} of {@link #SENT_BY_CALLER}): {@link #SOME_LEFT},
     * the number of the batch its rest went out with (sent whole by the loop), or 0: nothing of it left. One value is
     * enough: a caller owns the session only with the FIFO empty, so at most one request it sent is in flight. Written by
     * the owner before its release, read by the loop in a door after it.
     */
    private long ownersRequest = SOME_LEFT;

    SessionWrites(Channel channel) {
        this.channel = channel;
        this.batch = new WriteBatch(channel);
    }

    /**
     * Encodes {@code message} into the owner's buffer, or into the loop turn's batch, written once the event loop's
     * current batch of tasks is done: pipelined requests share a buffer and a flush. A message that cannot be encoded
     * ends the connection (as an encoder's failure in the pipeline would), for an Error too: nothing of it reaches the
     * server.
     */
    void write(FrontendMessage message) {
        ByteBuf owners = ownersBuffer;
        if (owners != null) {
            int start = owners.writerIndex();
            try {
                message.encode(owners);
            } catch (Throwable e) {
                owners.writerIndex(start); // nothing of it is sent; the session ends (in a task, after the owner's release)
                channel.pipeline().fireExceptionCaught(e);
            }
            return;
        }
        try {
            batch.add(message);
        } catch (Throwable e) {
            // an Error too (an OutOfMemoryError: no direct memory for the buffer): the exchange believes it written
            channel.pipeline().fireExceptionCaught(e);
        }
    }

    /** The owner: what it writes goes into {@code out} until {@link #ownerEncoded}. */
    void ownerEncodesInto(ByteBuf out) {
        ownersBuffer = out;
        ownersRequest = SOME_LEFT; // until its send tells otherwise
    }

    /** The owner: nothing of its request left — nothing was encoded, or its bytes were dropped unsent. */
    void ownerSentNothing() {
        ownersRequest = 0;
    }

    /** The owner: its request is in the FIFO; writes go into the loop's batch again. */
    void ownerEncoded() {
        ownersBuffer = null;
    }

    /** The write buffer what is written now goes out with ({@link WriteBatch#current}), or {@link #SENT_BY_CALLER}. */
    long current() {
        return ownersBuffer != null ? SENT_BY_CALLER : batch.current();
    }

    /**
     * Whether any byte of write buffer {@code written} may have reached the socket ({@link WriteBatch#mayHaveLeft}); for
     * the request a caller sent: whether its send put any of it on the socket, or else whether the batch its rest went
     * out with may have left (REVIEW-18-START L3: exact where it used to say "may have" always).
     */
    boolean mayHaveLeft(long written) {
        if (written == SENT_BY_CALLER) {
            long request = ownersRequest;
            return request == SOME_LEFT || batch.mayHaveLeft(request);
        }
        return batch.mayHaveLeft(written);
    }

    /**
     * The owner: the rest of its request the socket did not take becomes the next write ({@link WriteBatch#takeRest});
     * {@code someSent}: whether its own send put any of it on the socket.
     */
    Runnable takeRest(ByteBuf rest, boolean someSent) {
        ownersRequest = someSent ? SOME_LEFT : batch.current(); // the batch the rest goes out with
        return batch.takeRest(rest);
    }

    /** Writes and flushes what was encoded since the last flush; before anything written to the channel directly (Terminate). */
    void flushPending() {
        batch.flush();
    }

    /** Drops what was encoded and not yet written: nothing more reaches the server. */
    void discardPending() {
        batch.release();
    }

    /**
     * The owner, before it starts a statement: whether the channel has an outbound buffer and nothing waits in it or in
     * the batch (a close's Terminate written on the loop after its count went, say: the caller's bytes must not overtake
     * it). Safe from the owner's thread: Netty keeps the outbound count atomically, and the batch, a loop field, is
     * empty and ordered before the owner's read — the gate reaches zero only through {@code quietWhenIdle}, which gives
     * the loop's count back only with the batch empty, and every later {@code add} is in a door after the count is taken
     * again (so owned ⇒ nothing encoded; WriteBatch's flush task needs no door for the same reason).
     */
    boolean nothingUnsent() {
        return batch.isEmpty() && unsentOutbound() == 0;
    }

    /** The loop: whether nothing is encoded and nothing waits in the outbound buffer (none: the channel is closed). */
    boolean nothingLeftToWrite() {
        return batch.isEmpty() && unsentOutbound() <= 0;
    }

    /** The bytes waiting in the channel's outbound buffer; -1 without one (closed). */
    private long unsentOutbound() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? -1 : out.totalPendingWriteBytes();
    }
}
