package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.PgClosedException;
import io.pgconn.PgException;
import io.pgconn.internal.protocol.frontend.Terminate;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.transport.CallerCloseGuard;

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
 * How one session ends (docs/lifecycle.md §4): the close a user or the factory asks for — Terminate, the socket
 * closed anyway when the Terminate cannot be written in time; with a statement running, CancelRequests first and the
 * Terminate once they ended ({@link CancelFirstClose}) — the owners' hooks run once the channel closed, and the two
 * futures a caller sees: {@code close()}'s and {@code closeFuture()}.
 *
 * <p>Two ways: a close asked on a thread that is not the event loop, of an idle plaintext session on the epoll
 * transport with no notification listener, is made on that thread ({@link #closeOnCaller}: Terminate sent and the
 * socket shut down through the channel's {@link CallerCloseGuard}, the owners' hooks run, both futures completed;
 * the loop frees the descriptor right after). Every other close is handed to the loop ({@link #closeOnLoop}).
 */
final class SessionEnd {

    /** How long a close waits for its Terminate to be written before it closes the socket anyway. */
    static final Duration FORCED_CLOSE_AFTER = Duration.ofSeconds(2);

    private final Channel channel;
    private final PipelinedSession session;
    private final String host;
    /** Sends a CancelRequest; completing the future it returns from outside ends that request and closes its socket. */
    private final Supplier<CompletableFuture<Void>> cancelRequest;
    private final AtomicBoolean closing = new AtomicBoolean();
    /**
     * {@code close()}'s future: completes when the channel closed and a cancel sent on close ended, or when a close on the
     * caller's thread sent its Terminate and shut the socket down ({@link #closeOnCaller}). On the loop's way, it and
     * {@link #ended} complete on the event loop: a blocking wait for them there is refused while they are not
     * complete ({@link SpinThenParkFuture}; REVIEW-11), as for a statement's future. A caller blocked on this one
     * yields its CPU for a moment before it parks ({@link SpinThenParkFuture#yieldingFirst()}): the loop woken to
     * write the Terminate and close often runs on that CPU meanwhile, and the close is then done without a wake-up.
     */
    private final SpinThenParkFuture<Void> closed = SpinThenParkFuture.yieldingFirst();
    /** The CancelRequests sent because close() found a statement running ({@link CancelFirstClose}); close() completes after them. */
    private volatile CompletableFuture<Void> cancelOnClose = CompletableFuture.completedFuture(null);
    private final List<Runnable> closeHooks = new ArrayList<>();
    /** Whether the close hooks were taken to be run (the channel closed, or a caller's close ended the session). */
    private boolean hooksTaken;
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
        List<Runnable> hooks = takeHooks();
        if (hooks == null) {
            return; // a caller's close took them: it runs them and completes both futures
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

    /** The close hooks, once: null when they were taken already. */
    private List<Runnable> takeHooks() {
        synchronized (closeHooks) {
            if (hooksTaken) {
                return null;
            }
            hooksTaken = true;
            List<Runnable> hooks = List.copyOf(closeHooks);
            closeHooks.clear();
            return hooks;
        }
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
     * Runs {@code hook} when the session ended — the channel closed, or a close on the caller's thread shut the socket
     * down (then on that thread) — before {@link #close(String)}'s future completes (so an owner's bookkeeping is done
     * when a caller sees the close); at once if it ended already. Hooks must be thread-safe.
     */
    void onClosed(Runnable hook) {
        synchronized (closeHooks) {
            if (!hooksTaken) {
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
        return close(reason, false);
    }

    /**
     * Closes a session whose server stopped answering ({@code closeConnections}, a cancel the server left unanswered):
     * as {@link #close(String)}, but a running statement's CancelRequest is only started — the Terminate is written
     * and the socket closed at once, as there is no backend to wait for.
     */
    CompletableFuture<Void> closeUnanswered(String reason) {
        return close(reason, true);
    }

    private CompletableFuture<Void> close(String reason, boolean serverSilent) {
        if (closing.compareAndSet(false, true)) {
            session.closeAsked(); // first: no statement starts on a caller's thread after this close (REVIEW-18-START H1)
            if (!closeOnCaller(reason)) {
                try {
                    closeOnLoop(reason, serverSilent);
                } catch (RejectedExecutionException e) {
                    // the event loop has stopped (its factory was closed after the server ended this session):
                    // Netty closed the channel with it, so there is nothing left to close
                    closed.complete(null);
                    ended.complete(null);
                }
            }
        }
        return closed;
    }

    /**
     * The close on the caller's thread, when the session is idle (nothing submitted, in flight, encoded or unsent:
     * {@link SessionGate}, taken atomically against new work), plaintext on epoll (a {@link CallerCloseGuard}), has
     * no notification listener (their end is told on the loop), and this thread is not the loop: Terminate sent and the
     * socket shut down here — the server reads the Terminate, then EOF, as from libpq's {@code PQfinish} — then the
     * owners' hooks run and both futures complete, on this thread. The loop, woken by the shutdown, closes the channel
     * and frees the descriptor right after (under the guard's lock: never between this thread's send and shutdown); the
     * hooks are claimed before the shutdown, so the loop's close event, which may run before this thread goes on, finds
     * them taken and leaves the futures to this thread.
     *
     * @return false when the close is the loop's to make
     */
    private boolean closeOnCaller(String reason) {
        if (channel.eventLoop().inEventLoop()) {
            return false;
        }
        CallerCloseGuard guard = CallerCloseGuard.of(channel);
        if (guard == null || session.listeners().anyNotificationListener()) {
            return false;
        }
        session.whyEnded().closing(reason); // before the gate closes: a submit refused after it says this reason
        if (!session.gate().closeIfIdle()) {
            return false;
        }
        // claimed before the shutdown: it wakes the loop, whose close event would otherwise take them first now and then
        // and run them there, after this close() returned
        List<Runnable> hooks = takeHooks();
        if (hooks == null) {
            return true; // the loop's close event took them (the server's EOF came first): it completes the futures after them
        }
        guard.sendAndShutdown(channel, Terminate.directBytes()); // false: the loop closed the channel first; its close event finds the hooks taken
        hooks.forEach(Runnable::run);
        PgException cause = session.whyEnded().cause();
        if (cause == null) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(cause); // the server sent a FATAL before the close
        }
        closed.complete(null);
        return true;
    }

    private void closeOnLoop(String reason, boolean serverSilent) {
        session.execute(() -> closeNow(reason, serverSilent));
    }

    /**
     * The loop's close, in the session's code (after a statement a caller was starting on its thread). A busy session
     * is closed by {@link CancelFirstClose}: the backend would run its statement to the end before it reads the Terminate,
     * and a socket closed under it would make it log "connection to client lost". Not when the server stopped answering
     * ({@code serverSilent}): its CancelRequest is started and the socket closed at once, as there is nothing to wait for.
     */
    private void closeNow(String reason, boolean serverSilent) {
        session.whyEnded().closing(reason);
        session.whyEnded().beginClose(); // nothing submitted from now on is queued, while the channel may stay open
        session.listeners().stop(null);
        if (channel.isActive()) {
            session.writes().flushPending(); // requests written in this loop turn go before the Terminate
            if (session.busy()) {
                if (!serverSilent) {
                    cancelOnClose = session.closeBusy().cancelsEnded();
                    return;
                }
                cancelOnClose = cancelBounded(); // it may still reach a backend that is only slow
            }
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
    }

    /**
     * A CancelRequest, ended after {@link CancelHold#MAX_MILLIS} at the latest (the span its hold on later exchanges
     * lasts at most: one rule, see there), its socket closed then; completing the returned
     * future (the request itself) ends it sooner the same way ({@link CancelHold#endRequests}). Its callers wait for its
     * end only, not its outcome.
     */
    CompletableFuture<Void> cancelBounded() {
        try {
            CompletableFuture<Void> request = cancelRequest.get();
            // completing the request itself (not a copy) ends it: the canceller closes its socket then
            request.completeOnTimeout(null, CancelHold.MAX_MILLIS, TimeUnit.MILLISECONDS);
            return request;
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

    /** Whether the close was made on the caller's thread (tests: which way a close went). */
    boolean closedOnCaller() {
        return session.gate().closedByCaller();
    }
}
