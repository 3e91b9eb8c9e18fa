package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgconn.FutureFailures;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.protocol.frontend.CancelRequest;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.config.SslMode;
import io.pgconn.internal.tls.TlsHostName;
import io.pgconn.internal.tls.TlsNegotiator;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.internal.tls.TlsSettings;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.transport.SocketErrorText;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a CancelRequest on a new connection to the same address the session used, over TLS when
 * the session used TLS (PostgreSQL 17+ accepts encrypted cancel requests; a server that refuses
 * TLS gets the request in plaintext only under sslmode prefer/allow).
 *
 * <p>One deadline covers the whole request — the TLS files (looked at, and read when they changed, on the factory's
 * file-read pool before the dial when the last look is {@link ConnectResources#TLS_FILES_RECHECK} old, as a connect's:
 * {@link ConnectFiles}), dial, TLS, send, and the wait for the server to close
 * the connection (it does once it has read the request). When it passes, the future fails with a
 * {@link PgTimeoutException} and the socket is closed: a server that accepts the connection and then
 * says nothing (a stopped postmaster) must not hold a socket, or the caller, forever. Completing or
 * cancelling the returned future from outside (as {@code close()} does after its shorter wait) ends
 * the request the same way.
 */
final class CancelRequester {

    /** The deadline when the connection has no {@code hostConnectTimeout} (libpq's connect_timeout, 0 = none). */
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    private final ConnectResources resources;

    CancelRequester(ConnectResources resources) {
        this.resources = resources;
    }

    /** The deadline of a cancel request for a connection whose per-host budget is {@code hostConnectTimeout}. */
    static Duration deadline(Duration hostConnectTimeout) {
        return hostConnectTimeout.isZero() ? DEFAULT_DEADLINE : hostConnectTimeout;
    }

    CompletableFuture<Void> cancel(SessionFacts facts, TlsSettings tlsSettings, Duration deadline) {
        HostSpec host = facts.hostSpec();
        String label = host.label();
        // refuses a blocking wait on an event loop while not complete (REVIEW-11): its dial and timer may be on that very loop
        CompletableFuture<Void> result = new SpinThenParkFuture<>(0);
        AtomicReference<Channel> dialled = new AtomicReference<>();
        EventLoop loop;
        ScheduledFuture<?> timer;
        try {
            loop = resources.group().next();
            timer = loop.schedule(() -> {
                result.completeExceptionally(new PgTimeoutException(label, "cancel request to " + label + " did not complete within "
                        + deadline.toMillis() + "ms (dial, TLS, send, server closing the connection); its connection was closed"));
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new PgFactoryClosedException(label, "cannot cancel on " + label
                    + ": the connection factory was closed", e));
        }
        // however the request ends (done, failed, timed out, completed by the caller): no socket stays open
        result.whenComplete((ok, error) -> {
            timer.cancel(false);
            Channel channel = dialled.get();
            if (channel != null) {
                channel.close();
            }
        });
        if (facts.tls() == null) {
            dial(facts, null, tlsSettings, loop, deadline, dialled, result);
            return result;
        }
        PreparedTls fresh = resources.freshTls(tlsSettings);
        if (fresh != null) { // looked at less than TLS_FILES_RECHECK ago: no hop
            dial(facts, fresh, tlsSettings, loop, deadline, dialled, result);
            return result;
        }
        // the TLS files are looked at (and read when they changed) off the event loop, as for a connect (ConnectFiles)
        resources.tls(tlsSettings, host)
                .whenComplete((tls, error) -> {
                    if (error != null) {
                        result.completeExceptionally(FutureFailures.unwrap(error));
                    } else if (!result.isDone()) {
                        dial(facts, tls, tlsSettings, loop, deadline, dialled, result);
                    }
                });
        return result;
    }

    /** Dials, encrypts when {@code tls} is not null, sends. */
    private void dial(SessionFacts facts, PreparedTls tls, TlsSettings tlsSettings, EventLoop loop, Duration deadline,
                      AtomicReference<Channel> dialled, CompletableFuture<Void> result) {
        String label = facts.hostSpec().label();
        resources.dialer().dial(loop, facts.remoteAddress(), facts.hostSpec().isUnixSocket(), null, deadline, label).whenComplete((channel, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            dialled.set(channel);
            if (result.isDone()) {
                channel.close(); // the deadline passed (or the caller gave up) while dialling
                return;
            }
            encrypt(facts, tls, tlsSettings, channel)
                    .thenCompose(ignored -> send(facts, channel))
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(FutureFailures.unwrap(failure));
                        } else {
                            result.complete(null);
                        }
                    });
        });
    }

    private static CompletableFuture<Void> encrypt(SessionFacts facts, PreparedTls tls, TlsSettings settings, Channel channel) {
        if (tls == null) {
            return CompletableFuture.completedFuture(null);
        }
        HostSpec host = facts.hostSpec();
        String hostName = TlsHostName.of(host, settings.mode());
        return TlsNegotiator.negotiate(channel, tls.context(), settings, tls.chainVerifier(), hostName, host.port(), host.label())
                .thenAccept(outcome -> {
                    boolean plaintextAllowed = settings.mode() == SslMode.PREFER || settings.mode() == SslMode.ALLOW;
                    if (outcome instanceof TlsOutcome.Refused && !plaintextAllowed) {
                        throw new PgConnectException(host.label(), "server " + host.label()
                                + " refused TLS for the cancel request, and sslmode=" + settings.mode().libpqName() + " forbids plaintext");
                    }
                });
    }

    /** Writes the request; the server closes the connection once it has read it. */
    static CompletableFuture<Void> send(SessionFacts facts, Channel channel) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.pipeline().addLast(FrontendMessageEncoder.INSTANCE);
        channel.writeAndFlush(new CancelRequest(facts.processId(), facts.secretKey())).addListener(f -> {
            if (!f.isSuccess()) {
                String label = facts.hostSpec().label();
                done.completeExceptionally(SocketErrorText.connectFailure(label, "could not send the cancel request to " + label + ": "
                        + SocketErrorText.said(f.cause()), f.cause()));
                channel.close();
            }
        });
        // a server that reads the request but keeps the socket open is bounded by the caller's deadline
        channel.closeFuture().addListener(f -> done.complete(null));
        return done;
    }
}
