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
    /**
     * The pause per unanswered exchange: half of what the cheapest statement costs a PostgreSQL backend (a prepared
     * {@code SELECT 1} or primary-key select, a few µs on the benchmark's machines), so the server still has at least
     * twice the pause's worth of work queued and never waits for us.
     */
    static final long COALESCE_NANOS_PER_UNANSWERED = 1_500;
    /**
     * The longest pause (reached from 267 unanswered): longer ones hold answers the server sent long ago, and the last
     * pauses of a pipeline that drains to zero then delay its end (1 ms measured slower than 100 µs on inserts).
     */
    static final long COALESCE_MAX_NANOS = 400_000;

    private final Channel channel;
    private int pausers;
    /** Read whatever the pauses from now on ({@link #readToTheEnd}). */
    private boolean toTheEnd;
    /** Reading paused for {@link #coalescingPauseNanos} after a read, because a deep pipeline is still answering. */
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
        if (pausers++ == 0 && !toTheEnd) {
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
     * written exchanges unanswered, reading pauses for {@link #coalescingPauseNanos} — 1.5 µs per unanswered
     * exchange, at most 400 µs (96 µs at 64, 192 µs at 128, 384 µs at 256). The server flushes
     * every ReadyForQuery, so without the pause each of its answers wakes the event loop, which reads
     * two or three answers and writes as many new requests per wake-up: a read, a write and an epoll
     * wait, on both sides, for every few statements. Meanwhile the server still has most of those statements
     * to run (some answers may already wait unread), about twice the pause's worth even when each costs
     * it only a few µs, so it does not wait for us; each answer waits at most the pause longer behind the ones before it. The deeper the
     * pipeline, the longer the pause and the fewer the wake-ups, whose preemptions of the backend cost a
     * 2-core machine throughput (a fixed 400 µs pause: inserts +4 to +14 % under load, but 64 primary-key
     * selects in flight −20 %: their server work ran out before the pause did; docs/query.md §1). Nothing
     * changes below that depth: a single statement or a short pipeline is read at once.
     */
    void readCompleted(int unanswered) {
        if (!coalescing && !toTheEnd && pausers == 0 && unanswered >= COALESCE_MIN_UNANSWERED && channel.isActive()) {
            coalescing = true;
            pause(this);
            channel.eventLoop().schedule(endCoalescing, coalescingPauseNanos(unanswered), TimeUnit.NANOSECONDS);
        }
    }

    /** How long reading pauses after a read that left {@code unanswered} written exchanges unanswered (at least the minimum). */
    static long coalescingPauseNanos(int unanswered) {
        return Math.min(COALESCE_MAX_NANOS, unanswered * COALESCE_NANOS_PER_UNANSWERED);
    }

    /**
     * Reads whatever the pauses, from now on: the stream is broken and the channel closing, or a busy session's close
     * waits for the server's end ({@link CancelFirstClose}) — its end must be read.
     */
    void readToTheEnd() {
        toTheEnd = true;
        channel.config().setAutoRead(true);
    }
}
