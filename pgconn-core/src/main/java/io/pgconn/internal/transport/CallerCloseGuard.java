package io.pgconn.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.pgconn.Transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a thread that is not the channel's event loop send a last message and shut the socket down (a close on the
 * caller's thread, docs/lifecycle.md §4) without the loop freeing the descriptor under it: on the epoll transport
 * a close on the loop frees the descriptor's number at once, and another socket of the process may get it before
 * the caller's next system call. Netty's {@code EpollSocketChannel} is final, so the exclusion is a handler at the
 * head of the pipeline, and every close the loop makes on such a channel goes through it:
 * <ul>
 * <li>{@link #close} runs the channel's close (epoll deregistration and {@code close(fd)}) under this guard's
 *     lock, and {@link #sendAndShutdown} runs under the same lock: the caller's {@code send} and {@code shutdown}
 *     reach the socket they were meant for, or find it closed;</li>
 * <li>the server's EOF, which Netty would answer with a close of its own outside the pipeline, becomes a close
 *     through the pipeline: the channel allows half-closure ({@link ChannelOption#ALLOW_HALF_CLOSURE}), so Netty
 *     shuts the input down and fires {@link ChannelInputShutdownEvent} (or {@link ChannelInputShutdownReadComplete}
 *     when the input was shut down already, by the caller), and this handler closes the channel on it, before any
 *     other handler sees the event — what the session saw before (a close at EOF), under the lock;</li>
 * <li>{@link #flush} (the loop's writes) runs under the lock too, so a pipeline write never interleaves with the
 *     caller's send. The session starts no write once a caller took the close (its gate, SessionGate), so this only makes
 *     that rule hold at the socket as well.</li>
 * <li>{@link #trySend}, a statement's request sent on the caller's thread (docs/query.md §1), only tries the lock: the
 *     loop holds it while a close runs {@code closeFuture()} listeners, which may submit and then wait for the caller
 *     that owns the session; a caller that finds the lock held hands its bytes to the loop instead.</li>
 * </ul>
 * Closes Netty makes without the pipeline remain: a failed write (none while the session is idle, the only time a
 * caller closes), a failed {@code epoll_ctl} on the descriptor, and the event loop group's shutdown (the factory
 * closes its connections, and waits for their close, before it stops its own loops; an application that shuts
 * down the group it gave the factory while a connection closes on another thread is not covered).
 *
 * <p>Installed on plaintext sessions of the epoll transport only ({@link #install}): with TLS a last message must
 * go through the {@code SslHandler} on the loop, and NIO and io_uring keep the close on the loop.
 */
public final class CallerCloseGuard extends ChannelDuplexHandler {

    /** The handler's name in the pipeline. */
    public static final String NAME = "callerCloseGuard";

    /** Held by every close and flush of the loop, and by a caller's send. */
    private final ReentrantLock lock = new ReentrantLock();

    private CallerCloseGuard() {
    }

    /**
     * Puts a guard at the head of {@code channel}'s pipeline when {@code transport} is epoll; on the channel's event
     * loop, before the session's handlers read anything. The channel allows half-closure from then on (above).
     *
     * @return whether it was installed
     */
    public static boolean install(Channel channel, Transport transport) {
        if (transport != Transport.EPOLL || !(channel instanceof UnixChannel)) {
            return false;
        }
        if (!channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true)) {
            return false; // a channel that would close at EOF outside the pipeline: no guard
        }
        channel.pipeline().addFirst(NAME, new CallerCloseGuard());
        return true;
    }

    /** The guard of {@code channel}, or null when it has none (TLS, NIO, io_uring). */
    public static CallerCloseGuard of(Channel channel) {
        return channel.pipeline().get(CallerCloseGuard.class);
    }

    /**
     * On a thread that is not the channel's event loop: sends {@code message} (its bytes from position to limit, the
     * buffer left as it is) and shuts the socket down in both directions (the server reads the message, then EOF),
     * unless the loop closed the channel first. The loop's close of the channel is queued before the shutdown, whose
     * wake-up of the loop (the socket reports the hang-up) runs it: nothing is written on the loop's eventfd here.
     *
     * @return false when nothing was sent: the channel was closed already, or is closed on the loop now; true when the
     *         socket was shut down, also when the send failed (the server had gone: a reset, a broken pipe)
     */
    public boolean sendAndShutdown(Channel channel, ByteBuffer message) {
        lock.lock();
        try {
            FileDescriptor fd = ((UnixChannel) channel).fd();
            if (!fd.isOpen()) {
                return false; // the loop closed it: its close event ends the session
            }
            if (!(fd instanceof Socket socket) || socket.isOutputShutdown()) {
                closeOnTheLoop(channel); // nothing can be sent: the loop closes it, and its close event ends the session
                return false;
            }
            try {
                socket.send(message, message.position(), message.limit());
            } catch (IOException | RuntimeException serverGone) {
                // a reset or broken pipe: the server ended the session already; the socket is shut down all the same
            }
            closeOnTheLoop(channel);
            try {
                socket.shutdown();
            } catch (IOException | RuntimeException notConnected) {
                // ENOTCONN after a reset: nothing is left to shut down
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * On a thread that is not the channel's event loop, while the session's state is this thread's and nothing of the
     * loop's is unsent: sends what the socket takes of {@code message} (from its position to its limit, the buffer left
     * as it is) with one {@code send}, without waiting for the lock.
     *
     * @return the bytes sent (0 when the socket took none); -1 when nothing was tried or the send failed: the lock was
     *         held, the channel is closed, or the server had gone (the caller hands its bytes to the loop, whose write
     *         then ends the session with the socket's error)
     */
    public int trySend(Channel channel, ByteBuffer message) {
        if (!lock.tryLock()) {
            return -1;
        }
        try {
            FileDescriptor fd = ((UnixChannel) channel).fd();
            if (!fd.isOpen() || !(fd instanceof Socket socket) || socket.isOutputShutdown()) {
                return -1;
            }
            return socket.send(message, message.position(), message.limit());
        } catch (IOException | RuntimeException serverGone) {
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** The lock every close and flush of the loop takes, and a caller's send (tests hold it to show what waits for it). */
    public ReentrantLock lock() {
        return lock;
    }

    /** Queues the channel's close without waking the loop: the shutdown that follows wakes it. */
    private static void closeOnTheLoop(Channel channel) {
        EventExecutor loop = channel.eventLoop();
        Runnable close = channel::close;
        try {
            if (loop instanceof AbstractEventExecutor lazy) {
                lazy.lazyExecute(close);
            } else {
                loop.execute(close);
            }
        } catch (RejectedExecutionException e) {
            // the loop is shutting down: it closes its channels itself
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        lock.lock();
        try {
            ctx.close(promise);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            ctx.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            close(ctx, ctx.newPromise()); // what Netty does at EOF without half-closure, here under the lock
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
