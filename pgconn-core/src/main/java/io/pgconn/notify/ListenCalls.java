package io.pgconn.notify;

import io.pgconn.FutureFailures;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code listen()} and {@code unlisten()} calls of a {@link NotificationSubscriber} (their contract
 * is there): each changes the {@link ChannelSet} and runs its LISTEN/UNLISTEN on the connection carrying
 * the subscription; when none does, or that connection is lost or replaced during the call, the call
 * waits for the next connection, which is brought in line with the set ({@link ConnectionTakeover}).
 */
final class ListenCalls {

    private final ConnectionSlot slot;
    private final ChannelSet channels;
    /** The LISTEN/UNLISTEN of listen() and unlisten() on the connection: one at a time per channel. */
    private final ChannelCommands commands = new ChannelCommands();
    /** Told a connection that failed under a call for a reason about its server (e.g. 25006): re-connect. */
    private final BiConsumer<PgConnection, Throwable> lost;

    ListenCalls(ConnectionSlot slot, ChannelSet channels, BiConsumer<PgConnection, Throwable> lost) {
        this.slot = slot;
        this.channels = channels;
        this.lost = lost;
    }

    CompletableFuture<Void> listen(String channel, NotificationListener listener) {
        PgConfigException invalid = ChannelName.refusal("LISTEN", channel);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        Objects.requireNonNull(listener, "listener");
        PgConnection current;
        NotificationListener replaced;
        NextConnectionWait next;
        CompletableFuture<Void> command = null;
        synchronized (slot) {
            if (slot.isClosing()) {
                return CompletableFuture.failedFuture(ConnectionSlot.closedError("listen(\"" + channel + "\")"));
            }
            next = slot.nextConnection(); // the one of this call's time: registered on only when it is needed (REVIEW-9 F2)
            next.forgetRefusal(channel); // an earlier refusal is not this call's
            replaced = channels.put(channel, listener);
            current = slot.carrier();
            if (current != null) {
                PgConnection on = current;
                command = commands.after(channel, () -> on.listen(channel, channels.relay(channel)));
            }
        }
        if (replaced != listener) {
            ChannelSet.complete(replaced, null);
        }
        if (current == null) {
            return listenedOrRefused(next, channel);
        }
        return onCurrentOrNext(current, command, () -> listenedOrRefused(next, channel), error -> {
            Throwable refusal = ChannelSet.listenRefused(channel, current, error);
            if (channels.remove(channel, listener)) {
                ChannelSet.complete(listener, refusal);
            }
            return refusal;
        });
    }

    CompletableFuture<Void> unlisten(String channel) {
        PgConfigException invalid = ChannelName.refusal("UNLISTEN", channel);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        NotificationListener removed;
        PgConnection current;
        CompletableFuture<Void> next;
        CompletableFuture<Void> command = null;
        synchronized (slot) {
            if (slot.isClosing()) {
                return CompletableFuture.failedFuture(ConnectionSlot.closedError("unlisten(\"" + channel + "\")"));
            }
            removed = channels.remove(channel);
            next = slot.nextConnection().arrived();
            current = slot.carrier();
            if (current != null) {
                PgConnection on = current;
                command = commands.after(channel, () -> on.unlisten(channel));
            }
        }
        CompletableFuture<Void> done = current == null ? next.thenRun(() -> { })
                : onCurrentOrNext(current, command, () -> next.thenRun(() -> { }), error -> error);
        return removed == null ? done : done.whenComplete((ok, error) -> ChannelSet.complete(removed, null));
    }

    /**
     * {@code next} (the next connection of the call's time) LISTENs on the channel, or its server refused
     * it. Only for a call no working connection answered: a call that waits on nothing registers nothing,
     * so calls answered at once leave nothing behind however long the connection lives.
     */
    private CompletableFuture<Void> listenedOrRefused(NextConnectionWait next, String channel) {
        synchronized (slot) {
            return next.listened(channel);
        }
    }

    /**
     * {@code command} ran on the connection that carried the subscription: its outcome, unless that
     * connection was lost or replaced meanwhile — then the next connection, which is brought in line
     * with the channel set, decides: {@code next} is asked for the wait only then. {@code refused} runs
     * when the server refused it on a working connection and gives the call's error.
     */
    private CompletableFuture<Void> onCurrentOrNext(PgConnection current, CompletableFuture<Void> command,
                                                    Supplier<CompletableFuture<Void>> next, UnaryOperator<Throwable> refused) {
        return command.handle((ok, error) -> {
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = FutureFailures.unwrap(error);
            if (current.isClosed() || cause instanceof PgClosedException || !slot.carries(current)) {
                return next.get();
            }
            if (!ChannelSet.refusesTheChannel(current, cause)) { // about the server (e.g. 25006 in recovery): its failure
                lost.accept(current, cause);
                return next.get();
            }
            return CompletableFuture.<Void>failedFuture(refused.apply(cause));
        }).thenCompose(f -> f);
    }
}
