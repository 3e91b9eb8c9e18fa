package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * The channels of one host attempt, so that a timeout or a caller that gave up can close them:
 * whatever is dialled after {@link #abort()} is closed at once, never handed out. Also names the
 * event loop the attempt runs on, so that a connect's timers and channels share one thread.
 */
public final class AttemptScope {

    private final EventLoop eventLoop;
    private Channel current;
    private boolean aborted;

    /** @param eventLoop the loop the attempt's channels register with */
    public AttemptScope(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /** The loop the attempt's channels register with. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** Records the attempt's channel; returns false (and closes it) if the attempt was already aborted. */
    public synchronized boolean track(Channel channel) {
        if (aborted) {
            channel.close();
            return false;
        }
        current = channel;
        return true;
    }

    public synchronized boolean isAborted() {
        return aborted;
    }

    public void abort() {
        Channel toClose;
        synchronized (this) {
            aborted = true;
            toClose = current;
        }
        if (toClose != null) {
            toClose.close();
        }
    }
}
