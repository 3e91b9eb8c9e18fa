package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.internal.protocol.frontend.Terminate;
import io.pgconn.internal.query.SpinThenParkFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How one session ends (docs/lifecycle.md §4): the close a user or the factory asks for — Terminate,
 * preceded by a CancelRequest when a statement is running, the socket closed anyway when the Terminate
 * cannot be written in time — the owners' hooks run once the channel closed, and the two futures a
 * caller sees: {@code close()}'s and {@code closeFuture()}.
 */
final class SessionEnd {

    /** How long close() waits for the cancel request of a running statement to reach the server. */
    private static final Duration CANCEL_ON_CLOSE_WAIT = Duration.ofSeconds(2);
    /** How long a close waits for its Terminate to be written before it closes the socket anyway. */
    static final Duration FORCED_CLOSE_AFTER = Duration.ofSeconds(2);

    private final Channel channel;
    private final PipelinedSession session;
    private final String host;
    /** Sends a CancelRequest; completing the future it returns from outside ends that request and closes its socket. */
    private final Supplier<CompletableFuture<Void>> cancelRequest;
    private final AtomicBoolean closing = new AtomicBoolean();
    /**
     * {@code close()}'s future: completes when the channel closed and a cancel sent on close ended. It and
     * {@link #ended} complete on the event loop: a blocking wait for them there is refused while they are not
     * complete ({@link SpinThenParkFuture}; REVIEW-11), as for a statement's future. A caller blocked on this one
     * yields its CPU for a moment before it parks ({@link SpinThenParkFuture#yieldingFirst()}): the loop woken to
     * write the Terminate and close often runs on that CPU meanwhile, and the close is then done without a wake-up.
     */
    private final SpinThenParkFuture<Void> closed = SpinThenParkFuture.yieldingFirst();
    /** A CancelRequest sent because close() found a statement running; close() completes after it. */
    private volatile CompletableFuture<Void> cancelOnClose = CompletableFuture.completedFuture(null);
    private final List<Runnable> closeHooks = new ArrayList<>();
    private boolean channelClosed;
    /** {@code closeFuture()}: completes after the close hooks ran, exceptionally when the session was lost. */
    private final CompletableFuture<Void> ended = new SpinThenParkFuture<>(0);

    SessionEnd(Channel channel, PipelinedSession session, String host, Supplier<CompletableFuture<Void>> cancelRequest) {
        this.channel = channel;
        this.session = session;
        this.host = host;
        this.cancelRequest = cancelRequest;
        channel.closeFuture().addListener(f -> channelClosed());
    }

    private void channelClosed() {
        List<Runnable> hooks;
        synchronized (closeHooks) {
            channelClosed = true;
            hooks = List.copyOf(closeHooks);
            closeHooks.clear();
        }
        hooks.forEach(Runnable::run);
        PgException cause = session.whyEnded().cause();
        if (cause == null && !closing.get()) {
            cause = new PgClosedException(host, "connection to " + host + " was lost");
        }
        if (cause == null) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(cause);
        }
        cancelOnClose.whenComplete((ok, error) -> completeClose());
    }

    /**
     * Completes {@code close()}'s future; on the event loop, when a caller is blocked on it, then yields the loop's CPU
     * ({@link Thread#yield()}): that caller yielded its CPU to the loop while it waited (docs/lifecycle.md §4), so it
     * is often queued on the loop's own CPU, and would otherwise return only after the rest of the loop's turn (the
     * channel's inactive and deregister events, the return to its wait for I/O). Measured:
     * pgconn-benchmarks/results/2026-12-05-session15-speed.md.
     */
    private void completeClose() {
        boolean callerWaits = closed.hasBlockedWaiter(); // asked first: the woken caller leaves the count at once
        closed.complete(null);
        if (callerWaits && channel.eventLoop().inEventLoop()) {
            Thread.yield();
        }
    }

    /**
     * Runs {@code hook} when the channel has closed, before {@link #close(String)}'s future completes
     * (so an owner's bookkeeping is done when a caller sees the close); at once if it already closed.
     */
    void onClosed(Runnable hook) {
        synchronized (closeHooks) {
            if (!channelClosed) {
                closeHooks.add(hook);
                return;
            }
        }
        hook.run();
    }

    /**
     * Closes with a specific reason for work in flight (e.g. "closed: the connection factory was
     * closed"): sends Terminate, and a CancelRequest first when a statement is running. Every call
     * returns the same future.
     */
    CompletableFuture<Void> close(String reason) {
        if (closing.compareAndSet(false, true)) {
            try {
                closeOnLoop(reason);
            } catch (RejectedExecutionException e) {
                // the event loop has stopped (its factory was closed after the server ended this session):
                // Netty closed the channel with it, so there is nothing left to close
                closed.complete(null);
                ended.complete(null);
            }
        }
        return closed;
    }

    private void closeOnLoop(String reason) {
        channel.eventLoop().execute(() -> {
            if (channel.isActive() && session.busy()) {
                // the backend would run the statement to its end before it reads Terminate
                cancelOnClose = cancelQuietly();
            }
            session.whyEnded().closing(reason);
            session.listeners().stop(null);
            if (channel.isActive()) {
                session.flushPending(); // requests written in this loop turn go before the Terminate
                channel.writeAndFlush(Terminate.INSTANCE).addListener(f -> channel.close());
                if (!channel.isOpen()) {
                    return; // written and closed at once, the common case: no forced close to arm
                }
                // a server that reads nothing (frozen, its receive window full of our writes) never
                // takes the Terminate: the socket is closed anyway, so the close and the work queued
                // behind it end instead of waiting on the server
                ScheduledFuture<?> forced = channel.eventLoop().schedule(() -> {
                    channel.close();
                }, FORCED_CLOSE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                channel.closeFuture().addListener(f -> forced.cancel(false));
            } else {
                channel.close();
            }
        });
    }

    /**
     * A CancelRequest whose future completes, never exceptionally, when it ended or after
     * {@link #CANCEL_ON_CLOSE_WAIT}, which also ends the request and closes its socket.
     */
    CompletableFuture<Void> cancelQuietly() {
        try {
            CompletableFuture<Void> request = cancelRequest.get();
            // completing the request itself (not a copy) ends it: the canceller closes its socket then
            request.completeOnTimeout(null, CANCEL_ON_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return request.exceptionally(error -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null); // e.g. the event loops are shutting down
        }
    }

    /** {@code closeFuture()}: completes when the session ended, exceptionally when it was lost or the server ended it. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** Whether a close was asked for (the channel may still be open). */
    boolean closing() {
        return closing.get();
    }
}
