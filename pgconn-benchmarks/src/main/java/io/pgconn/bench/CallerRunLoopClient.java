package io.pgconn.bench;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A measuring prototype ({@link PkAB}'s {@code pgconn-manualrun} variants; results/2026-12-04-session10-perf.md), which
 * pgconn's caller-run event loops ({@code Transport.newCallerRunEventLoopGroup}, docs/query.md §1; {@code pgconn-callerrun})
 * made a mode in session 32: pgconn with its connections on a
 * Netty {@link ManualIoEventLoop} (epoll) owned by the calling thread, which runs the loop itself while it waits for a
 * future ({@code loop.run(wait)} until the future is done), so that the request is written and the answer read on the
 * caller's thread, with no event loop thread at all — a blocking driver's shape. Each calling thread has its own loop
 * and a factory on it ({@code PkAB}'s {@code -x4} threads included). Only what {@link PkAB} runs is here: TRUST
 * connect, close, the primary-key select; nothing drives a loop while no thread waits (no notifications, no server
 * close noticed, no timers), and a -x4 thread's loop is left to the JVM's exit (only its owner could run it to its
 * end). Variants: {@code spinNanos} &gt; 0 polls ({@code runNow()}, {@code epoll_wait} with a zero timeout) for up to
 * that long before the blocking wait ({@code blockingWaitSpin}'s counterpart); {@code tasksFirst} runs the queued tasks
 * (the request's write) before the loop's first {@code epoll_wait} instead of after it.
 */
final class CallerRunLoopClient implements Client {

    private final Endpoints endpoints;
    private final long spinNanos;
    private final boolean tasksFirst;
    /** io_uring instead of epoll: the wait ({@code io_uring_enter}) returns with the answer already received. */
    private final boolean uring;
    /** The calling thread's own loop (owned by it) and a factory on that loop. */
    private final ThreadLocal<OwnLoop> own = new ThreadLocal<>();

    private record OwnLoop(ManualIoEventLoop loop, PgConnectionFactory factory) {
    }

    CallerRunLoopClient(Endpoints endpoints, long spinNanos, boolean tasksFirst) {
        this(endpoints, spinNanos, tasksFirst, false);
    }

    CallerRunLoopClient(Endpoints endpoints, long spinNanos, boolean tasksFirst, boolean uring) {
        this.uring = uring;
        this.endpoints = endpoints;
        this.spinNanos = spinNanos;
        this.tasksFirst = tasksFirst;
    }

    private OwnLoop mine() {
        OwnLoop p = own.get();
        if (p == null) {
            ManualIoEventLoop loop = new ManualIoEventLoop(null, Thread.currentThread(),
                    uring ? io.netty.channel.uring.IoUringIoHandler.newFactory() : epoll());
            ConnConfig config = ConnConfig.parse("host=" + endpoints.host() + " port=" + endpoints.primaryPort() + " user="
                    + endpoints.trustUser() + " sslmode=disable dbname=" + endpoints.database(), EnvironmentSource.of(Map.of()));
            p = new OwnLoop(loop, PgConnectionFactory.builder(config).eventLoopGroup(loop).build());
            own.set(p);
        }
        return p;
    }

    private PgConnectionFactory factory() {
        return mine().factory();
    }

    /** The epoll transport's handler factory (the native classes are a runtime dependency of this module). */
    private static IoHandlerFactory epoll() {
        try {
            return (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler").getMethod("newFactory").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs this thread's loop until {@code f} is done (its I/O, tasks and timers, on this thread), then returns it. */
    private <T> CompletableFuture<T> driven(CompletableFuture<T> f) {
        ManualIoEventLoop loop = mine().loop();
        if (tasksFirst) {
            loop.runNonBlockingTasks(0); // the request written before the loop's first epoll_wait(0)
        }
        if (spinNanos > 0 && !f.isDone()) {
            long end = System.nanoTime() + spinNanos;
            do {
                loop.runNow();
            } while (!f.isDone() && System.nanoTime() - end < 0);
        }
        while (!f.isDone()) {
            loop.run(TimeUnit.MILLISECONDS.toNanos(10)); // bounded: a future completed by another thread is seen within 10 ms
        }
        return f;
    }

    @Override
    public String name() {
        return "pgconn-manualrun" + (uring ? "-uring" : "") + (spinNanos > 0 ? "-spin" : tasksFirst ? "-tf" : "");
    }

    @Override
    public boolean supports(Target target) {
        return target == Target.TRUST;
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public Source source(Target target, boolean fresh) {
        return () -> driven(factory().connect().thenApply(c -> c));
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        return driven(((PgConnection) connection).simpleQuery("SELECT 1").thenAccept(r -> r.singleValue()));
    }

    @Override
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        return driven(((PgConnection) connection).query(PK_SQL, id).thenAccept(rows -> {
            io.pgconn.query.Row r = rows.row(0);
            r.getInt(0);
            r.get(1, String.class);
            r.get(2, BigDecimal.class);
            r.get(3, OffsetDateTime.class);
        }));
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        return CompletableFuture.completedFuture(((PgConnection) connection).processId());
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        return driven(((PgConnection) connection).close());
    }

    @Override
    public String settings() {
        return "pgconn (this build) on a Netty ManualIoEventLoop (" + (uring ? "io_uring" : "epoll") + ") run by the waiting caller (prototype, PkAB only)"
                + (spinNanos > 0 ? "; polls " + spinNanos / 1000 + " us before blocking" : "") + (tasksFirst ? "; tasks before the first poll" : "");
    }

    @Override
    public void close() {
        // only the calling thread's loop can be run to its end here; the -x4 threads' loops (threads ended) are left to the JVM's exit
        OwnLoop p = own.get();
        if (p != null) {
            p.factory().close();
            p.loop().shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            while (!p.loop().isTerminated()) {
                p.loop().runNow();
            }
        }
    }
}
