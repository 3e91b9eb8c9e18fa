package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.pgconn.PgException;
import io.pgconn.internal.query.Exchange;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How code reaches the session on its event loop: every task, timer and inline call enters the session's code through
 * a door of its {@link SessionGate} (after a caller that owns the session gave it back, docs/query.md §1); a
 * statement's start is counted in the gate while its task waits; an exchange refused at the end fails in a task of its
 * own. Part of {@link PipelinedSession}.
 */
final class SessionDoors {

    private final Channel channel;
    private final SessionGate gate;
    private final CloseCause closeCause;
    /** Puts a submitted exchange in the FIFO (event loop, in the session's code, the channel active). */
    private final Consumer<Exchange> queue;

    SessionDoors(Channel channel, SessionGate gate, CloseCause closeCause, Consumer<Exchange> queue) {
        this.channel = channel;
        this.gate = gate;
        this.closeCause = closeCause;
        this.queue = queue;
    }

    /**
     * Any thread: queues {@code exchange}. Counted in first ({@link SessionGate#submitting}): after a close a caller made
     * on its own thread it fails as closed, as on a closed channel.
     */
    void submit(Exchange exchange) {
        if (channel.eventLoop().inEventLoop() && gate.loopInside()) {
            queueInside(exchange); // submitted in the session's code: no task, no door of its own
            return;
        }
        if (!gate.submitting()) {
            failLater(exchange);
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            enqueue(exchange);
        } else {
            channel.eventLoop().execute(() -> enqueue(exchange));
        }
    }

    /** Event loop, in a door: counts {@code exchange} in ({@link SessionGate#queuedInside}) and queues it now. */
    private void queueInside(Exchange exchange) {
        if (!gate.queuedInside() || !channel.isActive() || closeCause.closeBegun()) {
            failLater(exchange);
            return;
        }
        queue.accept(exchange);
    }

    private void enqueue(Exchange exchange) {
        if (!gate.enterOrDefer(SessionDoors::enqueue, this, exchange, channel.eventLoop())) {
            return; // a caller owns the session: queued after it
        }
        try {
            gate.queued();
            if (!channel.isActive() || closeCause.closeBegun()) {
                failLater(exchange);
                return;
            }
            queue.accept(exchange);
        } finally {
            gate.exit();
        }
    }

    /** Any thread: runs {@code task} on the event loop as the session's code ({@link #inSession}). */
    void execute(Runnable task) {
        channel.eventLoop().execute(() -> inSession(task));
    }

    /** Any thread: queues a statement's start, counted in the gate until it ran (its submit counts itself in first). */
    void executeStart(Runnable start) {
        boolean counted = gate.submitting(); // false after a caller's close: its submit then fails as closed
        Runnable task = () -> inSession(() -> {
            try {
                start.run(); // its submit counts itself in before this count goes
            } finally {
                if (counted) {
                    gate.startRan();
                }
            }
        });
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            if (counted) {
                gate.startRan();
            }
            throw e;
        }
    }

    /** Any thread: runs {@code task} on the event loop after {@code delayNanos}, as the session's code. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return channel.eventLoop().schedule(() -> inSession(task), delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Event loop: runs {@code task} as the session's code — now, or once a caller that owns the session gave it back
     * ({@link SessionGate#defer}: the loop does not wait for it).
     */
    void inSession(Runnable task) {
        if (!gate.enterOrDefer(task, channel.eventLoop())) {
            return;
        }
        try {
            task.run();
        } finally {
            gate.exit();
        }
    }

    /**
     * Fails {@code exchange} with the closed error, saying it was not sent ({@link LostExchanges#submittedAfterTheEnd}),
     * in a task of its own, not inline: a subscriber that retries on error (Reactor's retry()) would otherwise resubmit
     * from inside fail() and recurse on the event loop's stack.
     */
    void failLater(Exchange exchange) {
        PgException error = LostExchanges.submittedAfterTheEnd(closeCause.closedError());
        try {
            execute(() -> exchange.fail(error));
        } catch (RejectedExecutionException e) { // the event loops are shut down: nothing can recurse
            exchange.fail(error);
        }
    }
}
