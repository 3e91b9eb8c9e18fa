package io.pgconn.notify;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls' wait for the next connection to carry a {@link NotificationSubscriber}'s subscription (calls
 * no working connection answered), with the channels whose LISTEN that connection's server refused while
 * it caught up. {@link ConnectionSlot} holds the current one and starts a new one when a connection takes
 * over; a call keeps the one of its time. So a call that asks only after the takeover still learns that
 * its channel was refused: its LISTEN was in flight on the connection that was replaced, and failed when
 * that one was closed (session 10's leftover: it completed normally — the refusals were forgotten at the
 * takeover). Nothing is kept for a call the working connection answered, and a wait goes with the last
 * call that holds it.
 */
final class NextConnectionWait {

    private final CompletableFuture<Void> arrived = new CompletableFuture<>();
    /** Per channel: fails when the next connection's server refuses to LISTEN on it. */
    private final Map<String, CompletableFuture<Void>> refusals = new ConcurrentHashMap<>();

    /** Completes when the next connection carries the subscription; fails when the subscription ends first. */
    CompletableFuture<Void> arrived() {
        return arrived;
    }

    /**
     * Completes when the next connection carries the subscription LISTENing on {@code channel}; fails when its
     * server refused the channel while it caught up (also for a call that asks after the takeover), or when the
     * subscription ends first. Called under the subscriber's lock.
     */
    CompletableFuture<Void> listened(String channel) {
        CompletableFuture<Void> refusal = refusalOf(channel);
        CompletableFuture<Void> listened = new CompletableFuture<>();
        // the refusal first: when both are done it decides (a refusal is met while catching up, before the arrival)
        refusal.whenComplete((ok, error) -> {
            if (error != null) {
                listened.completeExceptionally(error);
            }
        });
        arrived.whenComplete((ok, error) -> {
            if (error != null) {
                listened.completeExceptionally(error);
            } else {
                listened.complete(null);
            }
        });
        return listened;
    }

    /**
     * The refusal of {@code channel} by the next connection's server, for the caller to fail outside the
     * subscriber's lock; kept, failed, as long as this wait is held. Called under the subscriber's lock.
     */
    CompletableFuture<Void> refusalOf(String channel) {
        return refusals.computeIfAbsent(channel, name -> new CompletableFuture<>());
    }

    /** {@code channel} is listened to again: a refusal met before is not the new call's. Called under the subscriber's lock. */
    void forgetRefusal(String channel) {
        refusals.computeIfPresent(channel, (name, refusal) -> refusal.isDone() ? null : refusal);
    }
}
