package io.pgconn.internal.loop;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * A group of {@link CallerRunEventLoop}s (docs/query.md §1, "caller-run event loops"): each loop has one background
 * thread from {@code threads}' factory, and is run by the callers blocked on its connections' statements while they
 * wait. Netty's group does the rest: the round-robin choice of a loop, the shutdown of all and the termination future.
 */
public final class CallerRunEventLoopGroup extends MultiThreadIoEventLoopGroup {

    /** The default linger: how long the lead stays with callers, unled, before the background thread takes it. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);

    public CallerRunEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory factory, Duration linger) {
        super(threads, threadFactory, factory, linger.toNanos());
    }

    /** Made from the builder's transport: the signature {@code io.pgconn.Implementation} looks up. */
    public static io.netty.channel.EventLoopGroup create(int threads, ThreadFactory threadFactory, IoHandlerFactory factory, Duration linger) {
        return new CallerRunEventLoopGroup(threads, threadFactory, factory, linger);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
        return new CallerRunEventLoop(this, executor, factory, (Long) args[0]);
    }
}
