package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.transport.SocketPeer;

import java.io.IOException;

/**
 * libpq's {@code requirepeer} (docs/lifecycle.md §1.1): on a Unix-domain socket, the server must run as
 * that operating-system user. Checked as libpq checks it: on the connected socket, right after the
 * connect and before the startup message, with the user the kernel reports for the peer
 * ({@link SocketPeer}) — not the socket file's owner. Ignored over TCP, as in libpq.
 */
final class RequirePeer {

    private RequirePeer() {
    }

    /**
     * @throws PgAuthenticationException when the peer runs as another user (it stops a multi-host walk, as in libpq)
     * @throws PgConnectException        when the kernel does not tell who the peer is
     */
    static void check(String required, HostSpec host, Channel channel, SocketPeer peer) {
        String actual;
        try {
            actual = peer.userName(channel);
        } catch (IOException | RuntimeException e) {
            throw new PgConnectException(host.label(), failed(host) + "requirepeer specifies \"" + required
                    + "\", but the peer's user could not be found: " + e.getMessage(), e);
        }
        if (!required.equals(actual)) {
            throw new PgAuthenticationException(host.label(), failed(host) + "requirepeer specifies \"" + required
                    + "\", but actual peer user name is \"" + actual + "\"");
        }
    }

    /** libpq's prefix for a Unix-socket host. */
    private static String failed(HostSpec host) {
        return "connection to server on socket \"" + host.socketPath() + "\" failed: ";
    }
}
