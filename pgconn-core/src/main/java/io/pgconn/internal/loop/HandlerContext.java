package io.pgconn.internal.loop;

import io.netty.channel.IoHandlerContext;

/**
 * What a {@link CallerRunEventLoop}'s handler asks of the loop it runs in: whether it may block, and until when (the
 * next timer, a wait's deadline, and never longer than {@link CallerRunEventLoop#MAX_BLOCK_NANOS}).
 */
final class HandlerContext implements IoHandlerContext {

    private final CallerRunEventLoop loop;
    /** The longest the handler may block (-1: not at all); set by the leader before each turn. */
    long maxBlockingNanos;

    HandlerContext(CallerRunEventLoop loop, long maxBlockingNanos) {
        this.loop = loop;
        this.maxBlockingNanos = maxBlockingNanos;
    }

    @Override
    public boolean canBlock() {
        // the state is read after the handler marked itself about to block: a shutdown's wake-up is never lost (C32-7)
        return maxBlockingNanos >= 0 && loop.nothingToRun();
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
        if (maxBlockingNanos < 0) {
            return 0;
        }
        return Math.min(Math.min(maxBlockingNanos, CallerRunEventLoop.MAX_BLOCK_NANOS), loop.timerDelayNanos(currentTimeNanos));
    }

    @Override
    public long deadlineNanos() {
        if (maxBlockingNanos < 0) {
            return -1;
        }
        long next = loop.nextTimerDeadlineNanos();
        if (maxBlockingNanos == Long.MAX_VALUE) {
            return next;
        }
        long max = loop.ticker().nanoTime() + maxBlockingNanos;
        return next == -1 ? max : Math.min(next, max);
    }
}
