package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.protocol.frontend.CancelRequest;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.config.SslMode;
import io.pgconn.internal.tls.TlsNegotiator;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.internal.tls.TlsSettings;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a CancelRequest on a new connection to the same address the session used, over TLS when
 * the session used TLS (PostgreSQL 17+ accepts encrypted cancel requests; a server that refuses
 * TLS gets the request in plaintext only under sslmode prefer/allow).
 */
final class CancelRequester {

    private static final Duration CANCEL_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ConnectResources resources;

    CancelRequester(ConnectResources resources) {
        this.resources = resources;
    }

    CompletableFuture<Void> cancel(SessionFacts facts, TlsSettings tlsSettings) {
        HostSpec host = facts.hostSpec();
        String label = host.label();
        return resources.dialer().dial(facts.remoteAddress(), host.isUnixSocket(), null, CANCEL_CONNECT_TIMEOUT, label)
                .thenCompose(channel -> encrypt(facts, tlsSettings, channel)
                        .thenCompose(ignored -> send(facts, channel))
                        .whenComplete((ok, error) -> {
                            if (error != null) {
                                channel.close();
                            }
                        }));
    }

    private CompletableFuture<Void> encrypt(SessionFacts facts, TlsSettings settings, Channel channel) {
        if (facts.tls() == null) {
            return CompletableFuture.completedFuture(null);
        }
        HostSpec host = facts.hostSpec();
        return TlsNegotiator.negotiate(channel, resources.sslContext(settings, host.label()), settings, host.host(), host.port(), host.label())
                .thenAccept(outcome -> {
                    boolean plaintextAllowed = settings.mode() == SslMode.PREFER || settings.mode() == SslMode.ALLOW;
                    if (outcome instanceof TlsOutcome.Refused && !plaintextAllowed) {
                        throw new PgConnectException(host.label(), "server " + host.label()
                                + " refused TLS for the cancel request, and sslmode=" + settings.mode().libpqName() + " forbids plaintext");
                    }
                });
    }

    /** Writes the request; the server closes the connection once it has read it. */
    private static CompletableFuture<Void> send(SessionFacts facts, Channel channel) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.pipeline().addLast(FrontendMessageEncoder.INSTANCE);
        channel.writeAndFlush(new CancelRequest(facts.processId(), facts.secretKey())).addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(new PgConnectException(facts.hostSpec().label(),
                        "could not send the cancel request to " + facts.hostSpec().label(), f.cause()));
                channel.close();
            }
        });
        // a server that reads the request but keeps the socket open must not hold it forever
        ScheduledFuture<?> guard = channel.eventLoop().schedule(() -> channel.close(), CANCEL_CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
            guard.cancel(false);
            done.complete(null);
        });
        return done;
    }
}
