package io.pgconn.connect;

import io.netty.channel.Channel;

/**
 * The channels of one host attempt, so that a timeout or a caller that gave up can close them:
 * whatever is dialled after {@link #abort()} is closed at once, never handed out.
 */
public final class AttemptScope {

    private Channel current;
    private boolean aborted;

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
