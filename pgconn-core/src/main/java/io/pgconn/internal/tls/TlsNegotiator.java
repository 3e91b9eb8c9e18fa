package io.pgconn.internal.tls;

import io.pgconn.config.SslNegotiation;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.pgconn.PgException;
import io.pgconn.PgTlsException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns a freshly connected channel into a TLS channel, the first step of
 * <a href="https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL">the PostgreSQL
 * connection</a>: SSLRequest then TLS ({@code sslnegotiation=postgres}), or TLS at once with ALPN
 * {@code postgresql} ({@code sslnegotiation=direct}, PostgreSQL 17+).
 *
 * <p>On success the pipeline holds the {@code SslHandler} under {@link #SSL_HANDLER_NAME} and
 * nothing else of ours; the PostgreSQL codec goes behind it. The caller owns the timeout and the
 * channel: it closes the channel when the future fails (nothing here closes it).
 */
public final class TlsNegotiator {

    /** Pipeline name of the {@code SslHandler} once TLS is up. */
    public static final String SSL_HANDLER_NAME = "pgconn-ssl";

    private TlsNegotiator() {
    }

    /**
     * Negotiates TLS on {@code channel}, which must be connected and have an otherwise empty pipeline.
     *
     * @param context   from {@link SslContextFactory#create} for the same {@code settings}
     * @param chainVerifier what verifies the server's chain, as a failure names it; null when nothing does
     *                  ({@link SslContextFactory#chainVerifier})
     * @param hostName  the host <em>name</em> (not {@code hostaddr}): SNI and the verify-full check use it
     * @param port      the server port (SNI / session identity)
     * @param hostLabel {@code host:port} for exceptions
     * @return completes once, on the channel's event loop: {@link TlsOutcome.Encrypted} after a handshake
     *         that passed every check of {@code settings.mode()}, {@link TlsOutcome.Refused} when the server
     *         answered 'N' (plaintext continues on this channel if the caller allows it), or exceptionally
     *         with a {@link PgTlsException} (or {@code PgProtocolException} for a malformed answer)
     */
    public static CompletableFuture<TlsOutcome> negotiate(Channel channel, SslContext context, TlsSettings settings,
                                                          String chainVerifier, String hostName, int port, String hostLabel) {
        CompletableFuture<TlsOutcome> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (!channel.isActive()) {
                result.completeExceptionally(new PgTlsException(hostLabel, "cannot negotiate TLS with " + hostLabel
                        + ": the connection is already closed"));
                return;
            }
            try {
                if (settings.negotiation() == SslNegotiation.DIRECT) {
                    TlsHandshakeHandler.install(channel, context, settings, chainVerifier, hostName, port, hostLabel, result);
                } else {
                    channel.pipeline().addLast(new SslRequestHandler(hostLabel, result,
                            ch -> TlsHandshakeHandler.install(ch, context, settings, chainVerifier, hostName, port, hostLabel, result)));
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e instanceof PgException ? e
                        : new PgTlsException(hostLabel, "could not start TLS with " + hostLabel + ": " + e, e));
            }
        };
        // pipeline changes and the handshake belong on the channel's own thread
        if (channel.eventLoop().inEventLoop()) {
            start.run();
        } else {
            try {
                channel.eventLoop().execute(start);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new PgTlsException(hostLabel, "cannot negotiate TLS with " + hostLabel
                        + ": the channel's event loop is shut down", e));
            }
        }
        return result;
    }
}
