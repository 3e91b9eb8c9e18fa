package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.transport.SocketErrorText;
import io.pgconn.internal.transport.SocketPeer;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * libpq's {@code requirepeer} (docs/lifecycle.md §1.1): on a Unix-domain socket, the server must run as
 * that operating-system user. Checked as libpq checks it: on the connected socket, right after the
 * connect and before the startup message, with the user the kernel reports for the peer
 * ({@link SocketPeer}) — not the socket file's owner. Ignored over TCP, as in libpq.
 *
 * <p>Asked on the factory's look-up pool ({@link BlockingCallPool}), never on the event loop: naming the peer's
 * user is libpq's {@code getpwuid}, through NSS, which may read files or ask LDAP or sssd for seconds — on a
 * loop that other connections share.
 */
final class RequirePeer {

    private RequirePeer() {
    }

    /**
     * The check on the look-up pool; completes there, failed with {@link PgAuthenticationException} when the peer
     * runs as another user (it stops a multi-host walk, as in libpq) or {@link PgConnectException} when the kernel
     * does not tell who the peer is (or the pool refuses the look-up).
     */
    static CompletableFuture<Void> check(String required, HostSpec host, Channel channel, SocketPeer peer, BlockingCallPool lookups) {
        return lookups.run(host, "look up the user of the server on socket \"" + host.socketPath() + "\"", () -> {
            check(required, host, channel, peer);
            return null;
        });
    }

    /**
     * @throws PgAuthenticationException when the peer runs as another user
     * @throws PgConnectException        when the kernel does not tell who the peer is
     */
    static void check(String required, HostSpec host, Channel channel, SocketPeer peer) {
        String actual;
        try {
            actual = peer.userName(channel);
        } catch (IOException | RuntimeException e) {
            throw SocketErrorText.connectFailure(host.label(), failed(host) + "requirepeer specifies \"" + required
                    + "\", but the peer's user could not be found: " + SocketErrorText.inOwnWords(reason(e)), e);
        }
        if (!required.equals(actual)) {
            throw new PgAuthenticationException(host.label(), failed(host) + "requirepeer specifies \"" + required
                    + "\", but actual peer user name is \"" + actual + "\"");
        }
    }

    /** What went wrong, also for an exception without a message (a ClosedChannelException: the peer hung up first). */
    private static String reason(Exception e) {
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return "the server closed the connection before its user could be read";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** libpq's prefix for a Unix-socket host. */
    private static String failed(HostSpec host) {
        return "connection to server on socket \"" + host.socketPath() + "\" failed: ";
    }
}
