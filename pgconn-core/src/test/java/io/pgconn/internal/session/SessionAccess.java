package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.PgConnection;

/** Test-only: what the handshake left on a connection users hold (its class is package-private). */
public final class SessionAccess {

    private SessionAccess() {
    }

    public static SessionFacts facts(PgConnection connection) {
        return ((DefaultPgConnection) connection).facts();
    }

    public static Channel channel(PgConnection connection) {
        return ((DefaultPgConnection) connection).channel();
    }

    /** The codecs {@code connection}'s session reads and writes with now (a new object each time they are bound). */
    public static Object codecs(PgConnection connection) {
        return channel(connection).pipeline().get(SessionHandler.class).session().codecs();
    }

    /** Whether {@code connection}'s close was made on the caller's thread (docs/lifecycle.md §4), not handed to its event loop. */
    public static boolean closedOnCaller(PgConnection connection) {
        return ((DefaultPgConnection) connection).closedOnCaller();
    }

    /** CancelRequests {@code connection}'s session has sent so far (read on its event loop). */
    public static long cancelRequestsSent(PgConnection connection) {
        Channel channel = channel(connection);
        PipelinedSession session = channel.pipeline().get(SessionHandler.class).session();
        try {
            return channel.eventLoop().submit(session::cancelRequestsSent).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the session's event loop did not answer", e);
        }
    }

    /**
     * Whether {@code connection}'s session is idle now, so a statement could start on its caller's thread
     * (docs/query.md §1): the loop may still be in the session's code after the completion that woke a caller.
     */
    public static boolean idle(PgConnection connection) {
        return channel(connection).pipeline().get(SessionHandler.class).session().gate().idle();
    }

    /** Statements {@code connection}'s session started on their caller's thread so far (docs/query.md §1). */
    public static long startedOnCaller(PgConnection connection) {
        return ((DefaultPgConnection) connection).startedOnCaller();
    }

    /** Requests started on their caller's thread whose bytes, some or all, the loop wrote (a partial send, the guard busy). */
    public static long handedToTheLoop(PgConnection connection) {
        return ((DefaultPgConnection) connection).handedToTheLoop();
    }

    /**
     * Runs {@code hook} once in {@code connection}'s next statement started on its caller's thread, while that thread
     * owns the session (docs/query.md §1): a hook that waits holds the session owned, as a preempted caller would.
     */
    public static void whileOwned(PgConnection connection, Runnable hook) {
        channel(connection).pipeline().get(SessionHandler.class).session().callerStart().whileOwned(hook);
    }

    /** Runs {@code hook} once in {@code connection}'s next statement started on its caller's thread, right after its exchange joined the FIFO. */
    public static void afterJoiningTheFifo(PgConnection connection, Runnable hook) {
        channel(connection).pipeline().get(SessionHandler.class).session().callerStart().afterJoiningTheFifo(hook);
    }
}
