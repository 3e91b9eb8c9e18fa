package io.pgconn.internal.failover;

import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.session.ConnectionControl;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The future a {@link ConnectWalk} hands its caller, and the walk's end: once, the bookkeeping first — the deadline's
 * timer cancelled, the held sessions released ({@link HeldSessions}), the owner's {@code onEnd}, {@code connectEnded}
 * traced, so a tracer has the whole story when the caller looks —, then the future. A caller that cancels it ends the
 * walk and aborts the attempt in flight through its {@link AttemptScope}. A subclass, not a dependent stage, so that
 * a connect completes one future, not three.
 */
final class WalkFuture extends CompletableFuture<ConnectionControl> {

    private final WalkEnd walkEnd;
    private final WalkTrace trace;
    private final WalkDeadline deadline;
    private final WalkTime time;
    private final HeldSessions held;
    private final String database;
    /** What the owner does when the walk ends: the session handed out, or null. */
    private Consumer<ConnectionControl> onEnd = connection -> { };
    /** The attempt in flight's scope, which a caller's cancel aborts; set on the walk's loop, read from the caller's thread. */
    private volatile AttemptScope currentScope;

    WalkFuture(WalkEnd walkEnd, WalkTrace trace, WalkDeadline deadline, WalkTime time, HeldSessions held, String database) {
        this.walkEnd = walkEnd;
        this.trace = trace;
        this.deadline = deadline;
        this.time = time;
        this.held = held;
        this.database = database;
    }

    /** Sets what runs once when the walk ends, before this future completes, with the session handed out or null. */
    void onEnd(Consumer<ConnectionControl> onEnd) {
        this.onEnd = onEnd;
    }

    /** The next attempt runs in {@code scope}. */
    void attemptIn(AttemptScope scope) {
        currentScope = scope;
    }

    /** The scope of the attempt started last; null before the first. */
    AttemptScope currentScope() {
        return currentScope;
    }

    /**
     * Ends the walk once. A session that comes after the end (the caller cancelled, the deadline passed) is closed.
     *
     * @return whether this call ended the walk
     */
    boolean end(ConnectionControl connection, Throwable error) {
        if (!walkEnd.end(error)) {
            if (connection != null) {
                connection.close();
            }
            return false;
        }
        finished(connection, error);
        if (error != null) {
            completeExceptionally(error);
        } else if (!complete(connection)) {
            connection.close(); // the caller completed the future itself
        }
        return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException cancelled = new CancellationException("the caller cancelled the connect");
        if (!walkEnd.end(cancelled)) {
            return false;
        }
        finished(null, cancelled);
        boolean done = super.cancel(mayInterruptIfRunning);
        AttemptScope scope = currentScope;
        if (scope != null) {
            scope.abort();
        }
        return done;
    }

    private void finished(ConnectionControl connection, Throwable error) {
        deadline.cancel();
        held.release(connection);
        onEnd.accept(connection);
        if (connection != null) {
            trace.statementsOf(connection, database);
        }
        trace.connectEnded(connection, error, time.elapsed());
    }
}
