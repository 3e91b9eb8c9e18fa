package io.pgconn.r2dbc;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets an end from another thread (a read cut off by a rollback) reach a subscriber whose signals come
 * from one thread at a time (the session's event loop) — never during one of those signals and never after
 * the subscriber's end (Reactive Streams §1.3). The delivering thread brackets each signal with
 * {@link #enter()} and {@link #leave()} ({@link #leaveTerminated()} after an end). An end from another thread
 * runs at once when no signal is under way, else when the one under way leaves, unless that one was the
 * end. After it, {@link #enter()} refuses: nothing more reaches the subscriber.
 */
final class SerializedEnd {

    private final AtomicInteger wip = new AtomicInteger();
    private volatile Runnable otherEnd;
    /** The subscriber had its end; touched only by the thread that holds {@link #wip}. */
    private boolean terminated;

    /** Before a signal: false when an end from another thread holds the subscriber (drop the signal). */
    boolean enter() {
        return wip.getAndIncrement() == 0;
    }

    /** After a signal that was no end. */
    void leave() {
        if (wip.decrementAndGet() != 0) {
            runOtherEnd(); // it came during the signal: it runs now, and the subscriber stays held
        }
    }

    /** After the subscriber's end (complete or error). */
    void leaveTerminated() {
        terminated = true;
        leave();
    }

    /** Ends the subscriber from another thread with {@code end}, once; nothing if it had its end. */
    void terminateFromAnotherThread(Runnable end) {
        otherEnd = end;
        if (wip.getAndIncrement() == 0) {
            runOtherEnd();
        }
    }

    private void runOtherEnd() {
        if (!terminated) {
            terminated = true;
            otherEnd.run();
        }
    }
}
