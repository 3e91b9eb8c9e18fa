package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.function.Supplier;

/**
 * The channels of one host attempt, so that a timeout or a caller that gave up can close them:
 * whatever is dialled after {@link #abort()} is closed at once, never handed out. Also names the
 * event loop the attempt runs on, so that a connect's timers and channels share one thread, and what the attempt is
 * waiting for off that loop ({@link #stillWaiting()}: a file read — the TLS files before it dials, the password file
 * when the server asked for a password), so that a timeout can say.
 */
public final class AttemptScope {

    private final EventLoop eventLoop;
    private Channel current;
    private boolean aborted;
    /**
     * What the attempt waits for on the file-read pool ("read sslrootcert file ... before dialling"), or null; asked
     * when a timer cuts the attempt short (a read it joined says what it is doing now).
     */
    private volatile Supplier<String> waitingFor;

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
     * For the message of a timeout that cut the attempt short: what it was waiting for on the file-read pool
     * ({@code "; it was still waiting to read sslrootcert file "/x" before dialling (...)"}), or "" when it was not.
     */
    public String stillWaiting() {
        Supplier<String> waiting;
        synchronized (this) {
            waiting = aborted ? null : waitingFor; // an abandoned read goes on, but no longer for this attempt
        }
        String what = waiting == null ? null : waiting.get();
        return what == null ? "" : "; it was still waiting to " + what + " (on the factory's file-read pool:"
                + " a FIFO nobody has written to, or a file system that does not answer?)";
    }

    /**
     * Sets what the attempt waits for off the loop, as a verb phrase with its step
     * ({@code read sslrootcert file "/x" before dialling}); null: nothing.
     */
    void waitingFor(String what) {
        waitingFor = what == null ? null : () -> what;
    }

    /** As {@link #waitingFor(String)}, told when asked: a read this attempt joined says what it is doing then. */
    void waitingForShared(Supplier<String> what) {
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
