package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * The channels of one host attempt, so that a timeout or a caller that gave up can close them:
 * whatever is dialled after {@link #abort()} is closed at once, never handed out. Also names the
 * event loop the attempt runs on, so that a connect's timers and channels share one thread, and what the attempt is
 * waiting for off that loop before it dials ({@link #stillWaiting()}: a file read), so that a timeout can say.
 */
public final class AttemptScope {

    private final EventLoop eventLoop;
    private Channel current;
    private boolean aborted;
    /** What the attempt waits for on the file-read pool ("read passfile ..."), or null; set there, read by a timer. */
    private volatile String waitingFor;

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

    /**
     * For the message of a timeout that cut the attempt short: what it was waiting for before the dial
     * ({@code "; it was still waiting to read sslrootcert file "/x" before dialling (...)"}), or "" when it was not.
     */
    public String stillWaiting() {
        String what;
        synchronized (this) {
            what = aborted ? null : waitingFor; // an abandoned read goes on, but no longer for this attempt
        }
        return what == null ? "" : "; it was still waiting to " + what + " before dialling (on the factory's file-read pool:"
                + " a FIFO nobody has written to, or a file system that does not answer?)";
    }

    /** Sets what the attempt waits for off the loop, as a verb phrase ({@code read sslrootcert file "/x"}); null: nothing. */
    void waitingFor(String what) {
        waitingFor = what;
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
