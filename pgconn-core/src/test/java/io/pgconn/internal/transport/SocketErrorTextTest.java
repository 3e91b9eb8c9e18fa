package io.pgconn.internal.transport;

import io.pgconn.PgConnectException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

class SocketErrorTextTest {

    /** Spring MVC's client-gone words, anywhere in the chain, are kept as suppressed; the message says them in pgconn's words. */
    @Test
    void anExceptionSayingAClientDisconnectPhraseIsKeptAsSuppressed() {
        IOException reset = new IOException("wrapped", new SocketException("recvAddress(..) failed: Connection reset by peer"));
        PgConnectException failure = SocketErrorText.connectFailure("db:5432", "could not connect to db:5432: "
                + SocketErrorText.said(new IOException("Broken pipe")), reset);
        assertThat(failure).hasNoCause().hasMessageEndingWith("the server closed the connection (EPIPE)");
        assertThat(failure.getSuppressed()).containsExactly(reset);
    }

    /**
     * Any other exception stays the cause: the starter's health reasons ("no route to host", "connection refused",
     * StartupFailureAction's UNREACHABLE) read its type there — b1c33df had made every socket error suppressed, and a
     * host with no route read "connection failed".
     */
    @Test
    void anyOtherExceptionStaysTheCause() {
        NoRouteToHostException noRoute = new NoRouteToHostException("No route to host");
        assertThat(SocketErrorText.connectFailure("db:5432", "could not connect to db:5432: No route to host", noRoute))
                .hasCauseReference(noRoute).satisfies(f -> assertThat(f.getSuppressed()).isEmpty());
        ConnectException timedOut = new ConnectException("Connection timed out");
        assertThat(SocketErrorText.connectFailure("db:5432", "m", timedOut)).hasCauseReference(timedOut);
    }

    @Test
    void saidReplacesThePhrasesInAnyCase() {
        assertThat(SocketErrorText.said(new IOException("readAddress(..) failed with error(-104): connection RESET by peer")))
                .isEqualTo("the server reset the connection (ECONNRESET)");
        assertThat(SocketErrorText.said(new java.nio.channels.ClosedChannelException())).isEqualTo("the connection was closed");
    }
}
