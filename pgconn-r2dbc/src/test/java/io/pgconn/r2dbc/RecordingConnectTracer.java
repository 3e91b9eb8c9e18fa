package io.pgconn.r2dbc;

import io.pgconn.trace.PgTracer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tracer that counts a factory's connects — started, ended, ended with an error — and runs a test's action when one
 * fails ({@link #onFailure}) or when the first one fails ({@link #onFirstFailure}): how the pool tests see what the pool
 * asked of the factory, and act at a refusal (start the server, free a slot).
 */
final class RecordingConnectTracer implements PgTracer {

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private volatile Runnable onFailure = () -> { };
    private volatile Runnable onFirstFailure = () -> { };

    @Override
    public void connectStarted(ConnectStarted event) {
        started.incrementAndGet();
    }

    @Override
    public void connectEnded(ConnectEnded event) {
        if (event.error() != null) {
            failed.incrementAndGet();
        }
        ended.incrementAndGet();
        if (event.error() != null) {
            onFailure.run();
            if (failedOnce.compareAndSet(false, true)) {
                onFirstFailure.run();
            }
        }
    }

    /** Connects started so far. */
    int started() {
        return started.get();
    }

    /** Connects ended so far, with an error or not. */
    int ended() {
        return ended.get();
    }

    /** Connects ended with an error so far. */
    int failed() {
        return failed.get();
    }

    /** {@code action} runs at every failed connect from now on (on the thread that reports it). */
    void onFailure(Runnable action) {
        onFailure = action;
    }

    /** {@code action} runs at the tracer's first failed connect, if it has not come yet. */
    void onFirstFailure(Runnable action) {
        onFirstFailure = action;
    }
}
