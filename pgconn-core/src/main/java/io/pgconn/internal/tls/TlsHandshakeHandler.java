package io.pgconn.internal.tls;

import io.pgconn.config.SslNegotiation;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.pgconn.PgConnectException;
import io.pgconn.internal.transport.SocketErrorText;
import io.pgconn.PgException;
import io.pgconn.PgTlsException;

import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Watches the TLS handshake right behind the {@link SslHandler}: on success it applies the checks
 * the handshake itself does not (ALPN for direct TLS, libpq host-name rules for verify-full),
 * completes the future with {@link TlsOutcome.Encrypted} and leaves the pipeline. Until then it
 * swallows exceptions, which the future reports, so none reaches the pipeline's tail.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final String SERVER_CLOSED = "server closed the connection unexpectedly during the TLS handshake";

    static final String NAME = "pgconn-tls-handshake";

    private final SslHandler ssl;
    private final TlsSettings settings;
    /** What verifies the server's chain, as a failure names it; null when nothing does. */
    private final String chainVerifier;
    private final String hostName;
    private final String hostLabel;
    private final CompletableFuture<TlsOutcome> result;

    private TlsHandshakeHandler(SslHandler ssl, TlsSettings settings, String chainVerifier, String hostName, String hostLabel,
                                CompletableFuture<TlsOutcome> result) {
        this.ssl = ssl;
        this.settings = settings;
        this.chainVerifier = chainVerifier;
        this.hostName = hostName;
        this.hostLabel = hostLabel;
        this.result = result;
    }

    /** Puts {@code SslHandler} at the pipeline head (which starts the handshake) with this watcher behind it. */
    static void install(Channel channel, SslContext context, TlsSettings settings, String chainVerifier, String hostName,
                        int port, String hostLabel, CompletableFuture<TlsOutcome> result) {
        // SNI names the host for virtual hosting; an IP literal is not a valid SNI name (RFC 6066)
        SslHandler ssl = settings.sni() && !PgHostnameVerifier.isIpLiteral(hostName)
                ? context.newHandler(channel.alloc(), hostName, port)
                : context.newHandler(channel.alloc());
        // the caller's per-host budget bounds the handshake; a second, shorter timer would cut it early
        ssl.setHandshakeTimeoutMillis(0);
        TlsHandshakeHandler watcher = new TlsHandshakeHandler(ssl, settings, chainVerifier, hostName, hostLabel, result);
        // the watcher goes in first, so that it is there for any failure the handshake start raises
        channel.pipeline().addFirst(NAME, watcher);
        channel.pipeline().addFirst(TlsNegotiator.SSL_HANDLER_NAME, ssl);
        ssl.handshakeFuture().addListener(future -> watcher.handshakeDone(channel, future));
    }

    private void handshakeDone(Channel channel, Future<?> handshake) {
        if (!handshake.isSuccess()) {
            result.completeExceptionally(failure(handshake.cause()));
            return;
        }
        TlsOutcome.Encrypted outcome;
        try {
            outcome = inspect();
        } catch (PgTlsException e) {
            result.completeExceptionally(e);
            return;
        }
        if (channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
        result.complete(outcome);
    }

    private TlsOutcome.Encrypted inspect() {
        if (settings.negotiation() == SslNegotiation.DIRECT
                && !SslContextFactory.ALPN_POSTGRESQL.equals(ssl.applicationProtocol())) {
            throw new PgTlsException(hostLabel, "server " + hostLabel + " did not select ALPN protocol postgresql"
                    + " (selected: " + (ssl.applicationProtocol() == null ? "none" : ssl.applicationProtocol())
                    + "); sslnegotiation=direct needs PostgreSQL 17 or later");
        }
        SSLSession session = ssl.engine().getSession();
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new PgTlsException(hostLabel, "server " + hostLabel + " sent no certificate", e);
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            throw new PgTlsException(hostLabel, "server " + hostLabel + " sent no X.509 certificate");
        }
        if (settings.mode().verifiesHost()) {
            PgHostnameVerifier.verify(leaf, hostName, hostLabel);
        }
        try {
            return new TlsOutcome.Encrypted(session.getProtocol(), session.getCipherSuite(), leaf, leaf.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new PgTlsException(hostLabel, "could not encode the certificate of server " + hostLabel, e);
        }
    }

    /**
     * Names the host and what failed; the chain-trust case names the trust source to fix. A server that
     * closes the connection mid-handshake went away (a stop, a crash, a switchover) rather than refused
     * anything: that is a transport failure ({@link PgConnectException}), after which a multi-host connect
     * moves on, as after a close before the SSLRequest answer (docs/lifecycle.md §2.3, §9).
     */
    private PgException failure(Throwable cause) {
        String what;
        if (chainVerifier != null && causedBy(cause, CertificateException.class, CertPathBuilderException.class,
                CertPathValidatorException.class)) {
            what = "server certificate chain not trusted by " + chainVerifier;
        } else if (serverWentAway(cause)) {
            what = SERVER_CLOSED;
        } else if (String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("protocol_version")) {
            what = "no TLS protocol version in common (client allows " + String.join(", ", settings.enabledProtocols()) + ")";
        } else {
            what = "handshake error";
        }
        // OpenSSL's top-level message is generic ("General OpenSslEngine problem"); the root cause says more
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (what.equals(SERVER_CLOSED)) {
            // the server went away: a closed channel says nothing more, a socket error (a reset) in the system's words;
            // the transport's classes stay in the cause (LIBPQ-14 m06: the message ended "(io.netty.channel.StacklessClosedChannelException)")
            if (causedBy(cause, ClosedChannelException.class)) {
                return new PgConnectException(hostLabel, "TLS handshake with " + hostLabel + " failed: " + what, cause);
            }
            // a socket error in pgconn's words, by the connect path's one rule: kept as suppressed when its chain says
            // "connection reset by peer"/"broken pipe" (Spring MVC reads those as its own client gone away, new user
            // 11 F1), else the cause (the starter's health reasons read "no route to host" there)
            return SocketErrorText.connectFailure(hostLabel, "TLS handshake with " + hostLabel + " failed: "
                    + what + " (" + SocketErrorText.said(root) + ")", cause);
        }
        String detail = root == cause ? cause.toString() : cause + "; caused by " + root;
        String message = "TLS handshake with " + hostLabel + " failed: " + what + " (" + detail + ")";
        return new PgTlsException(hostLabel, message, cause);
    }

    /**
     * Whether the handshake ended because the connection did, by the exception types alone (never the
     * text): Netty's ClosedChannelException when the channel went inactive mid-handshake (or
     * SslClosedEngineException, the engine closed under it), or a socket error — an IOException that is
     * not an SSLException, such as a reset. A TLS alert or a certificate failure is an SSLException:
     * the server refused, and the walk stops there.
     */
    private static boolean serverWentAway(Throwable cause) {
        if (causedBy(cause, ClosedChannelException.class, io.netty.handler.ssl.SslClosedEngineException.class)) {
            return true;
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException && !(t instanceof javax.net.ssl.SSLException)) {
                return true;
            }
        }
        return false;
    }

    @SafeVarargs
    private static boolean causedBy(Throwable error, Class<? extends Throwable>... types) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // SslHandler reports handshake errors here as well as through its future; one report suffices
        if (!result.isDone()) {
            result.completeExceptionally(failure(cause));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!result.isDone()) {
            result.completeExceptionally(new PgConnectException(hostLabel, "TLS handshake with " + hostLabel
                    + " failed: " + SERVER_CLOSED));
        }
        ctx.fireChannelInactive();
    }
}
