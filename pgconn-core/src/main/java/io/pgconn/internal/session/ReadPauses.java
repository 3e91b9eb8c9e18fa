package io.pgconn.internal.session;

import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;

/**
 * Whether the session's socket is read: paused while anyone asks (a subscriber without demand holds
 * its rows back this way), and for a short moment after each read while a deep pipeline is still
 * answering (read coalescing). Reading resumes when the last pause ends. Event loop only, like
 * {@link WriteBatch} for the writing side.
 */
final class ReadPauses {

    /** Written exchanges still unanswered from which a read is followed by a short pause in reading. */
    static final int COALESCE_MIN_UNANSWERED = 64;
    /** The pause: answers gather in the socket meanwhile and are then read, and new requests written, in one go. */
    static final long COALESCE_NANOS = 100_000;

    private final Channel channel;
    private int pausers;
    /** Reading paused for {@link #COALESCE_NANOS} after a read, because a deep pipeline is still answering. */
    private boolean coalescing;
    private final Runnable endCoalescing = () -> {
        coalescing = false;
        resume(this);
    };

    ReadPauses(Channel channel) {
        this.channel = channel;
    }

    /** Stops reading until every {@code pause} has had its {@link #resume}. */
    void pause(Object pauser) {
        if (pausers++ == 0) {
            channel.config().setAutoRead(false);
        }
    }

    void resume(Object pauser) {
        if (pausers > 0 && --pausers == 0) {
            channel.config().setAutoRead(true); // reads at once
        }
    }

    /** Whether the socket is not read now (someone paused it): what the server sends waits unread. */
    boolean paused() {
        return pausers > 0;
    }

    /**
     * Read coalescing for deep pipelines, after each read: with at least {@link #COALESCE_MIN_UNANSWERED}
     * written exchanges unanswered, reading pauses for {@link #COALESCE_NANOS}. The server flushes
     * every ReadyForQuery, so without the pause each of its answers wakes the event loop, which reads
     * two or three answers and writes as many new requests per wake-up: a read, a write and an epoll
     * wait, on both sides, for every few statements. Meanwhile the server still has at least that
     * many statements to run (far more than the pause's worth), so it does not wait for us; each
     * answer waits at most the pause longer behind the ones before it. Nothing changes below that
     * depth: a single statement or a short pipeline is read at once.
     */
    void readCompleted(int unanswered) {
        if (!coalescing && pausers == 0 && unanswered >= COALESCE_MIN_UNANSWERED && channel.isActive()) {
            coalescing = true;
            pause(this);
            channel.eventLoop().schedule(endCoalescing, COALESCE_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Reads whatever the pauses: the stream is broken and the channel closing (its end must be read). */
    void readToTheEnd() {
        channel.config().setAutoRead(true);
    }
}
