package io.pgconn.internal.session;

import io.pgconn.NotificationListener;
import io.pgconn.PgConfigException;
import io.pgconn.notify.ChannelName;

import java.util.concurrent.CompletableFuture;

/**
 * A connection's {@code LISTEN} and {@code UNLISTEN}, as simple queries on its session, with the listener the
 * notifications of the channel go to ({@link SessionListeners}): registered before the {@code LISTEN} is sent (a
 * notification may follow its answer at once) and removed again when it fails; removed once an {@code UNLISTEN} is
 * answered. A channel name that cannot be one fails the future, naming it. Safe from any thread.
 */
final class ListenCommands {

    private final PipelinedSession session;

    ListenCommands(PipelinedSession session) {
        this.session = session;
    }

    CompletableFuture<Void> listen(String channelName, NotificationListener listener) {
        PgConfigException invalid = ChannelName.refusal("LISTEN", channelName);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        String quoted = Identifiers.quote(channelName, "LISTEN channel");
        session.listeners().add(channelName, listener);
        return session.simpleQuery("LISTEN " + quoted).whenComplete((r, e) -> {
            if (e != null) {
                session.listeners().remove(channelName);
            }
        }).thenApply(r -> null);
    }

    CompletableFuture<Void> unlisten(String channelName) {
        PgConfigException invalid = ChannelName.refusal("UNLISTEN", channelName);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        String quoted = Identifiers.quote(channelName, "UNLISTEN channel");
        return session.simpleQuery("UNLISTEN " + quoted).thenApply(r -> {
            session.listeners().remove(channelName);
            return null;
        });
    }
}
