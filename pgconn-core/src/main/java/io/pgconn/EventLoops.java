package io.pgconn;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * Which threads are Netty event loops: where pgconn refuses to block (docs/query.md §1, §4, §6).
 *
 * <p>A connection's futures complete, and its mappers and subscribers run, on its event loop, which the factory's
 * other connections share. A blocking wait there — {@code join()} or {@code get()} on a pgconn future that is not
 * complete, the next row of {@code PgStatement.stream(int)}, {@code PgCopyStreams.copyIn}/{@code copyOut} — would stop the
 * loop that is to deliver the answer, so pgconn refuses it with an {@link IllegalStateException} instead. Code that can
 * run on either kind of thread (a library called from a servlet thread and from a WebFlux handler) asks
 * {@link #inAnyEventLoop()} first and composes instead of blocking when it says yes. Reactor's non-blocking
 * schedulers ({@code parallel}, {@code single}) are no event loops; pgconn refuses a wait for one of its futures there
 * too, and Reactor's {@code Schedulers.isInNonBlockingThread()} tells them.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /**
     * Whether the current thread runs a Netty event loop — any loop of any group: a pgconn factory's, another
     * library's (Reactor Netty's, a WebFlux server's), or a group the application made. Netty's
     * {@code EventExecutor.inEventLoop()} answers for one given loop; this answers for whichever one is running the
     * current task (Netty's {@code ThreadExecutorMap}, set while a loop runs its tasks and I/O). A thread that merely
     * runs an {@code EventExecutor} that is not an {@code EventLoop} (no channels, no I/O) is not one.
     *
     * @return true on an event loop thread, where a blocking call of pgconn is refused
     */
    public static boolean inAnyEventLoop() {
        return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
    }
}
