package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTlsException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslCertMode;
import io.pgconn.internal.tls.SslRequestErrorException;
import io.pgconn.internal.tls.TlsHostName;
import io.pgconn.internal.tls.TlsNegotiator;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.internal.tls.TlsSettings;

import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;

/**
 * The TLS of one host attempt (docs/lifecycle.md §1.2): SSLRequest and the handshake on the open socket, what the
 * sslmode makes of a server that refused TLS, whether the server's answer rules out allow/prefer's other attempt,
 * and {@code sslcertmode=require}'s check once the server has accepted the session. {@link HostConnector} runs the
 * attempt and the allow/prefer retry; this class only encrypts and checks.
 */
final class AttemptTls {

    private AttemptTls() {
    }

    /**
     * SSLRequest and the TLS handshake with the context read before the dial ({@link ConnectFiles}); {@code Refused}
     * only when the mode accepts plaintext after 'N'.
     */
    static CompletableFuture<TlsOutcome> negotiate(ConnConfig config, HostSpec host, Channel channel, PreparedTls tls) {
        TlsSettings settings = TlsSettingsOf.config(config);
        String hostName = TlsHostName.of(host, settings.mode());
        return TlsNegotiator.negotiate(channel, tls.context(), settings, tls.chainVerifier(), hostName, host.port(), host.label())
                .thenApply(outcome -> {
                    if (outcome instanceof TlsOutcome.Encrypted || config.sslMode().acceptsPlaintextAfterRefusal()) {
                        return outcome; // Refused under prefer: plaintext on the same socket
                    }
                    throw new PgTlsException(host.label(), "server " + host.label() + " does not support SSL, but sslmode="
                            + config.sslMode().libpqName() + " requires it");
                });
    }

    /**
     * Whether the server's answer to SSLRequest rules out the other encryption attempt (libpq): after
     * 'N', plaintext on this socket already was prefer's fallback; an 'E' or a malformed answer is not
     * retried in plaintext, so a man-in-the-middle cannot force a downgrade that way.
     *
     * @param negotiation the attempt's {@link #negotiate}, null for a plaintext attempt
     */
    static boolean endsTheHost(CompletableFuture<TlsOutcome> negotiation, Throwable cause) {
        if (negotiation == null) {
            return false; // plaintext: no SSLRequest was answered
        }
        if (negotiation.isCompletedExceptionally()) {
            return cause instanceof SslRequestErrorException || cause instanceof PgProtocolException;
        }
        return negotiation.getNow(null) instanceof TlsOutcome.Refused;
    }

    /**
     * libpq's {@code sslcertmode=require}: the session is refused unless a client certificate was sent,
     * which needs TLS and a server that asked for one. Checked once the server has accepted the
     * session, as libpq checks at AuthenticationOk; an authentication-class failure, so the walk stops.
     */
    static void requireClientCertificateIfAsked(ConnConfig config, String label, Channel channel, TlsOutcome.Encrypted tls) {
        if (config.sslCertMode() != SslCertMode.REQUIRE) {
            return;
        }
        SslHandler ssl = tls == null ? null : (SslHandler) channel.pipeline().get(TlsNegotiator.SSL_HANDLER_NAME);
        if (ssl == null) {
            throw new PgAuthenticationException(label, "sslcertmode=require failed: server " + label
                    + " did not request an SSL certificate (the session is not encrypted)");
        }
        Certificate[] sent = ssl.engine().getSession().getLocalCertificates();
        if (sent == null || sent.length == 0) {
            throw new PgAuthenticationException(label, "sslcertmode=require failed: server " + label
                    + " accepted the connection without a valid SSL certificate (sslcert: " + config.sslCertOrDefault()
                    + "; none was sent)");
        }
    }
}
