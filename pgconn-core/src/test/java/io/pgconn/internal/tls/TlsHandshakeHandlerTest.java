package io.pgconn.internal.tls;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgConnectException;
import io.pgconn.config.SslMode;
import io.pgconn.config.SslNegotiation;
import io.pgconn.config.SslProviderKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A socket error while the TLS handshake is under way: the server went away ({@link PgConnectException}), and the
 * socket's exception follows the one rule of {@code SocketErrorText.connectFailure} — suppressed only when its chain
 * says "connection reset by peer"/"broken pipe", else the cause (lifecycle.md §1.3).
 */
class TlsHandshakeHandlerTest {

    private static final String HOST = "db.example.test:5432";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final CompletableFuture<TlsOutcome> result = new CompletableFuture<>();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private PgConnectException handshakeFailsWith(Throwable socketError) {
        TlsSettings settings = new TlsSettings(SslMode.REQUIRE, SslNegotiation.POSTGRES, null, null, null, null,
                true, null, null, SslProviderKind.JDK);
        TlsHandshakeHandler.install(channel, new SslContextFactory().create(settings, HOST), settings, null,
                "db.example.test", 5432, HOST, result);
        channel.pipeline().fireExceptionCaught(socketError);
        assertThat(result).isCompletedExceptionally();
        Throwable failure = catchThrowable(result::join);
        assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(PgConnectException.class);
        return (PgConnectException) failure.getCause();
    }

    /**
     * No route to host (or a read's ETIMEDOUT) stays the cause, as for a dial (d95e152): the starter's health reasons
     * read its type there. The handshake's path had kept every socket error as suppressed (seen failing: no cause).
     */
    @Test
    void aSocketErrorSayingNoClientDisconnectPhraseStaysTheCause() {
        NoRouteToHostException noRoute = new NoRouteToHostException("No route to host");
        PgConnectException failure = handshakeFailsWith(noRoute);
        assertThat(failure).hasCauseReference(noRoute)
                .hasMessage("TLS handshake with " + HOST + " failed: server closed the connection unexpectedly during"
                        + " the TLS handshake (No route to host)");
        assertThat(failure.getSuppressed()).isEmpty();
    }

    /** A reset is said in pgconn's words and kept as suppressed: no cause chain says what Spring MVC reads as its client gone. */
    @Test
    void aResetIsSaidInOwnWordsAndKeptAsSuppressed() {
        IOException reset = new IOException("wrapped", new SocketException("read(..) failed with error(-104): Connection reset by peer"));
        PgConnectException failure = handshakeFailsWith(reset);
        assertThat(failure).hasNoCause()
                .hasMessageEndingWith("during the TLS handshake (the server reset the connection (ECONNRESET))");
        assertThat(failure.getSuppressed()).containsExactly(reset);
    }
}
