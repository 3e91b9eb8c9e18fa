package io.pgconn.notify;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The LISTEN/UNLISTEN commands a {@link NotificationSubscriber} runs on its connection for {@code listen}
 * and {@code unlisten}, one at a time per channel, in the order of the calls (REVIEW-8 F8). Submitted
 * side by side, a LISTEN and an UNLISTEN of one channel could reach the server in the other order than
 * the set changed (the server then listening on a channel the set no longer holds), and an UNLISTEN's
 * completion would take away the connection's listener that a LISTEN submitted behind it had just put
 * in place (notifications for a channel the set holds, dropped). Commands of different channels still
 * run side by side.
 */
final class ChannelCommands {

    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    /** Per channel: ends when its last command has ended, whatever the outcome. */
    private final Map<String, CompletableFuture<Void>> last = new ConcurrentHashMap<>();

    /**
     * Runs {@code command} once the channel's previous command has ended. Called under the subscriber's
     * lock, in the same step as the set's change, so the commands run in the order the set changed.
     */
    CompletableFuture<Void> after(String channel, Supplier<CompletableFuture<Void>> command) {
        CompletableFuture<Void> previous = last.getOrDefault(channel, NONE);
        CompletableFuture<Void> result = previous.thenCompose(ignored -> command.get());
        CompletableFuture<Void> ended = result.handle((ok, error) -> null);
        last.put(channel, ended);
        ended.thenRun(() -> last.remove(channel, ended)); // nothing kept for a channel at rest
        return result;
    }
}
