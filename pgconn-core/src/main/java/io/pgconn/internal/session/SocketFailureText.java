package io.pgconn.internal.session;

import io.pgconn.PgClosedException;
import io.pgconn.internal.transport.SocketErrorText;

import java.io.IOException;

/**
 * The error of a session whose socket failed (a read or write error: the server reset the connection, the pipe
 * broke), in pgconn's words. The operating system's "Connection reset by peer" and "Broken pipe" are what an HTTP
 * server says when its client goes away: Spring MVC (`DisconnectedClientHelper`) looks for them in the most specific
 * cause and then writes no response at all, so a request whose database session was reset answered 200 with an empty
 * body and logged nothing (new user 11 F1). The socket's own exception is kept as suppressed, not as the cause: its
 * class and stack still print with the error, and no cause chain ends in the system's phrase. The message has the
 * system's text without the transport's class and call ("recvAddress(..) failed with error(-104):"): what happened,
 * not where Netty noticed it (new user 12).
 */
final class SocketFailureText {

    private SocketFailureText() {
    }

    /** The error for work in flight and submitted after a socket failure on {@code host}'s session. */
    static PgClosedException closed(String host, IOException failure) {
        PgClosedException closed = new PgClosedException(host, "connection to " + host + " failed: "
                + SocketErrorText.said(failure));
        closed.addSuppressed(failure);
        return closed;
    }
}
