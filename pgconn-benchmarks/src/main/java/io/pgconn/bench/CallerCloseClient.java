package io.pgconn.bench;

import io.netty.channel.Channel;
import io.pgconn.PgConnection;
import io.pgconn.config.SslProviderKind;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A measuring prototype, not a way to close a connection: what a caller-side close would cost the caller.
 * {@code close} sends Terminate and shuts the socket down (FIN) on the calling thread through Netty's
 * {@code io.netty.channel.unix.Socket} of the connection's epoll channel (reached by reflection: the epoll
 * classes are not on this module's compile class path), then asks pgconn's own close
 * without waiting for it (the loop's Terminate write then fails on the shut-down socket, and the loop
 * closes the channel). Unsafe as a real close: nothing keeps the event loop from writing, or closing
 * the descriptor, at the same time (docs/query.md §1; the first run met it: the backend's EOF let the loop
 * close the channel between the caller's send and its shutdown). PkAB's {@code pgconn-callerclose-connect}:
 * its close p50 is the floor a caller-side close could reach, to read against libpq's and pgjdbc's;
 * {@code -overlap-connect} keeps today's promise (it waits for pgconn's close) and only overlaps the send with
 * the loop's wake-up. Measured: pgconn-benchmarks/results/2026-12-05-session14-all.md §4.
 */
final class CallerCloseClient extends PgconnClient {

    private static final ByteBuffer TERMINATE = ByteBuffer.allocateDirect(5).put((byte) 'X').putInt(4).flip();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();
    private MethodHandle fd;
    private MethodHandle send;
    private MethodHandle shutdown;
    /** Closes whose send or shutdown found the descriptor already closed by the loop. */
    final java.util.concurrent.atomic.AtomicLong raced = new java.util.concurrent.atomic.AtomicLong();

    /** Whether close() first hands pgconn's close to the loop and then waits for it (the promise kept). */
    private final boolean overlap;

    /**
     * @param overlap false: send and shut down, then ask pgconn's close without waiting (what the caller's side
     *                could cost at best); true: ask pgconn's close first (the loop is woken), send and shut down
     *                while the loop wakes, then wait for pgconn's future as today (socket closed, hooks run)
     */
    CallerCloseClient(Endpoints endpoints, boolean overlap) {
        super(endpoints, SslProviderKind.AUTO);
        this.overlap = overlap;
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        PgConnection c = (PgConnection) connection;
        CompletableFuture<Void> loopClose = overlap ? c.close() : null;
        try {
            Channel channel = channelOf(c);
            if (fd == null) {
                fd = LOOKUP.findVirtual(Class.forName("io.netty.channel.unix.UnixChannel"), "fd",
                        MethodType.methodType(Class.forName("io.netty.channel.unix.FileDescriptor")));
                Class<?> socket = Class.forName("io.netty.channel.unix.Socket");
                send = LOOKUP.findVirtual(socket, "send", MethodType.methodType(int.class, ByteBuffer.class, int.class, int.class));
                shutdown = LOOKUP.findVirtual(socket, "shutdown", MethodType.methodType(void.class));
            }
            Object socket = fd.invoke(channel);
            try {
                int sent = (int) send.invoke(socket, TERMINATE.duplicate(), 0, 5);
                if (sent != 5) {
                    throw new IllegalStateException("Terminate: " + sent + " of 5 bytes sent");
                }
                shutdown.invoke(socket);
            } catch (java.io.IOException | java.nio.channels.NotYetConnectedException loopWasFaster) {
                // the loop (or the server) was faster: the loop closed the channel on the backend's EOF after our
                // Terminate (between the send and the shutdown), or (-overlap) the server had already ended the
                // connection on the loop's own Terminate (ENOTCONN) — the race a real caller-side close must
                // exclude (a descriptor freed, and its number reusable, under the caller)
                raced.incrementAndGet();
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (overlap) {
            return loopClose;
        }
        c.close(); // the loop closes the channel and runs the owners' hooks; not awaited
        return CompletableFuture.completedFuture(null);
    }

    private static Channel channelOf(PgConnection c) throws ReflectiveOperationException {
        for (Field f : c.getClass().getDeclaredFields()) {
            if (Channel.class.isAssignableFrom(f.getType())) {
                f.setAccessible(true);
                return (Channel) f.get(c);
            }
        }
        throw new IllegalStateException("no channel field in " + c.getClass());
    }
}
