package io.pgconn.notify;

import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A {@link NotificationSubscriber}'s way from a new connection to the one carrying the subscription:
 * connect through the factory, LISTEN/UNLISTEN until the connection matches the {@link ChannelSet}
 * (calls made meanwhile change the set, so this repeats), then take the {@link ConnectionSlot} in the
 * same locked step as the last check, tell the application, and watch the connection for its loss and
 * (per {@link ReconnectPolicy#roleCheckInterval()}) its server's role.
 */
final class ConnectionTakeover {

    private final PgConnectionFactory factory;
    private final ReconnectPolicy policy;
    private final SubscriptionEvents events;
    private final ConnectionSlot slot;
    private final ChannelSet channels;
    /** Told when a connection that took over is lost or its server leaves the wanted role. */
    private final BiConsumer<PgConnection, Throwable> lost;

    ConnectionTakeover(PgConnectionFactory factory, ReconnectPolicy policy, SubscriptionEvents events, ConnectionSlot slot,
                       ChannelSet channels, BiConsumer<PgConnection, Throwable> lost) {
        this.factory = factory;
        this.policy = policy;
        this.events = events;
        this.slot = slot;
        this.channels = channels;
        this.lost = lost;
    }

    /** Connects through the factory, brings the connection in line with the channel set and lets it carry the subscription. */
    CompletableFuture<Void> connect(int attempts) {
        if (slot.isClosing()) { // a re-connect whose backoff ended as close() began: no login after close
            return CompletableFuture.failedFuture(ConnectionSlot.closedError("connecting"));
        }
        return factory.connect().thenCompose(c -> catchUpOrClose(c, attempts));
    }

    /** {@link #catchUp} from nothing LISTENed; {@code c} is closed when it fails, and by close() while it runs. */
    private CompletableFuture<Void> catchUpOrClose(PgConnection c, int attempts) {
        CompletableFuture<Void> caughtUp = slot.beginCatchUp(c) ? catchUp(c, ConcurrentHashMap.newKeySet(), attempts)
                : CompletableFuture.failedFuture(ConnectionSlot.closedError("connecting"));
        return caughtUp.whenComplete((ok, error) -> {
            if (error != null) {
                slot.catchUpFailed(c);
                QuietClose.of(c);
            }
        });
    }

    /**
     * LISTEN/UNLISTEN on {@code c} until it matches the channel set, then, in the same step as the last
     * check, {@code c} takes over. A channel the server refuses is dropped from the set ({@link #refused});
     * only the connection's failure fails this.
     */
    private CompletableFuture<Void> catchUp(PgConnection c, Set<String> listened, int attempts) {
        ConnectionSlot.Takeover takeover = null;
        synchronized (slot) {
            if (slot.isClosing()) {
                return CompletableFuture.failedFuture(ConnectionSlot.closedError("connecting"));
            }
            if (channels.isListenedBy(listened)) {
                takeover = slot.takeOver(c);
            }
        }
        if (takeover == null) {
            return channels.bringInLine(c, listened, (channel, error) -> refused(channel, c, error))
                    .thenCompose(ignored -> catchUp(c, listened, attempts));
        }
        QuietClose.of(takeover.replaced()); // make before break: the replaced connection (wrong role, or already lost) goes after
        // told before the calls waiting for this connection complete, so a caller whose listen() has
        // completed sees the event already (GuardedEvents: a throwing callback cannot stop this); and
        // before c's loss is watched: a connection that died meanwhile is lost at once, and its
        // reconnecting must come after its (re)connected (REVIEW-8 F8)
        if (takeover.first()) {
            events.connected(c);
        } else {
            events.reconnected(c, attempts);
        }
        // normal completion: closed by someone other than this subscriber (e.g. its factory closed)
        c.closeFuture().whenComplete((closed, cause) -> lost.accept(c, cause != null ? cause
                : new PgClosedException(c.host(), "connection to " + c.host() + " was closed")));
        RoleCheck.start(factory, policy.roleCheckInterval(), c, () -> slot.carries(c),
                role -> lost.accept(c, new WrongRoleException(c.host(), role, factory.config().targetSessionAttrs())));
        takeover.arrived().complete(null);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * {@code c}'s server refused to LISTEN on {@code channel} while catching up: the channel is dropped,
     * the calls waiting for it fail — also those that ask only after {@code c} took over
     * ({@link NextConnectionWait}) — and its listener completes with the server's error naming it.
     */
    private void refused(String channel, PgConnection c, Throwable error) {
        Throwable refusal = ChannelSet.listenRefused(channel, c, error);
        NotificationListener listener;
        CompletableFuture<Void> waiting;
        synchronized (slot) {
            listener = channels.remove(channel);
            waiting = slot.nextConnection().refusalOf(channel); // the wait c will end: it catches up for it
            slot.recordRefusal(c, refusal); // the health shows why a channel went (REVIEW-9 F6)
        }
        waiting.completeExceptionally(refusal);
        ChannelSet.complete(listener, refusal);
    }
}
