package io.pgconn.internal.connect;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.pgconn.FutureFailures;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgException;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.internal.session.PipelinedSession;
import io.pgconn.internal.session.SessionHandler;
import io.pgconn.internal.startup.PasswordLookup;
import io.pgconn.internal.startup.Startup;
import io.pgconn.internal.startup.StartupHandshake;
import io.pgconn.internal.protocol.frontend.StartupMessage;
import io.pgconn.config.SslMode;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.internal.transport.CallerCloseGuard;
import io.pgconn.internal.transport.Dialer;
import io.pgconn.internal.transport.SocketErrorText;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * Connects to ONE address of one host (docs/lifecycle.md §1): socket → [TLS] → startup →
 * authentication → ready, with libpq's second attempt for {@code sslmode=allow|prefer}. The TLS
 * step itself — SSLRequest, handshake, what the server's answer leaves to retry, sslcertmode's check —
 * is {@link AttemptTls}'s. Choosing hosts is {@code MultiHostConnector}'s job; the role check happens there too.
 */
public final class HostConnector {

    private final ConnectResources resources;
    private final CancelRequester canceller;
    /** sslmode=prefer's plaintext after a failed TLS attempt, logged once per host and failure (NEW-USER-20 F9). */
    private final PlaintextFallbackLog plaintextFallbacks = new PlaintextFallbackLog();
    private volatile PerConfig perConfig;

    public HostConnector(ConnectResources resources) {
        this.resources = resources;
        this.canceller = new CancelRequester(resources);
    }

    /** The encryption attempts for this host, in order: true = TLS. Unix-domain sockets never use TLS (libpq ignores sslmode). */
    static List<Boolean> encryptionPlan(SslMode mode, boolean unixSocket) {
        if (unixSocket) {
            return List.of(false);
        }
        return switch (mode) {
            case DISABLE -> List.of(false);
            case ALLOW -> List.of(false, true);
            case PREFER -> List.of(true, false);
            case REQUIRE, VERIFY_CA, VERIFY_FULL -> List.of(true);
        };
    }

    public CompletableFuture<ConnectionControl> connect(ConnConfig config, HostSpec host, SocketAddress address, Duration budget,
                                                   AttemptScope scope) {
        // a Unix-domain socket is plaintext whatever sslmode says, even require: libpq ignores sslmode there
        List<Boolean> plan = encryptionPlan(config.sslMode(), host.isUnixSocket());
        ConnectFiles files = new ConnectFiles(resources, config, host);
        if (plan.size() == 1) {
            return attempt(config, host, address, budget, scope, plan.get(0), false, files); // no second attempt: nothing to unwrap
        }
        return attempt(config, host, address, budget, scope, plan.get(0), true, files).handle((connection, error) -> {
            if (error == null) {
                if (plan.get(0)) {
                    plaintextFallbacks.encrypted(host.label());
                }
                return CompletableFuture.completedFuture(connection);
            }
            Throwable cause = FutureFailures.unwrap(error);
            if (plan.size() > 1 && cause instanceof FallbackEligible eligible && !scope.isAborted()) {
                Throwable first = eligible.getCause();
                return attempt(config, host, address, budget, scope, plan.get(1), true, files).<ConnectionControl>handle((second, secondError) -> {
                    if (secondError == null) {
                        if (plan.get(0)) {
                            plaintextFallbacks.plaintextAfter(host.label(), config.sslMode(), first);
                        }
                        return second;
                    }
                    throw new CompletionException(bothFailed(first, withoutWrapper(FutureFailures.unwrap(secondError))));
                });
            }
            return CompletableFuture.<ConnectionControl>failedFuture(withoutWrapper(cause));
        }).thenCompose(f -> f);
    }

    /**
     * The failure to report when both encryption attempts failed: the second one, unless the first was
     * an authentication failure — the password was refused, which must stop a multi-host walk whatever
     * the retry then met (docs/lifecycle.md §2.3).
     */
    private static Throwable bothFailed(Throwable first, Throwable second) {
        if (first instanceof PgAuthenticationException && !(second instanceof PgAuthenticationException)) {
            first.addSuppressed(second);
            return first;
        }
        second.addSuppressed(first);
        return second;
    }

    private static Throwable withoutWrapper(Throwable error) {
        return error instanceof FallbackEligible f ? f.getCause() : error;
    }

    /**
     * One attempt with or without TLS. When {@code fallback}, a failure after the socket was open is
     * wrapped so the caller may try the other encryption. One future, completed from the file read's, the dial's,
     * the TLS negotiation's and the handshake's callbacks on the attempt's loop: a plaintext attempt with its
     * password given goes from the open socket straight to the startup, with no stage to chain through.
     * What the attempt reads from files is read off the loop ({@link ConnectFiles}): the TLS material before the dial
     * (unless looked at just before), the password file only if the server asks for a password.
     */
    private CompletableFuture<ConnectionControl> attempt(ConnConfig config, HostSpec host, SocketAddress address, Duration budget,
                                                           AttemptScope scope, boolean tls, boolean fallback, ConnectFiles files) {
        String label = host.label();
        PerConfig derived;
        try {
            derived = perConfig(config);
        } catch (RuntimeException e) { // e.g. a NUL in a startup parameter: no socket is opened for it
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ConnectionControl> result = new CompletableFuture<>();
        PasswordLookup passwords = files.passwords(scope);
        if (!tls) {
            dial(config, derived, host, address, budget, scope, null, passwords, fallback, result);
            return result;
        }
        files.tls(scope, (prepared, readError) -> {
            if (readError != null) {
                // a TLS file that is missing, unreadable or malformed: no socket, not retried without TLS
                result.completeExceptionally(FutureFailures.unwrap(readError));
            } else if (scope.isAborted()) {
                result.completeExceptionally(new PgTimeoutException(label, "attempt on " + label + " was abandoned"));
            } else {
                dial(config, derived, host, address, budget, scope, prepared, passwords, fallback, result);
            }
        });
        return result;
    }

    /** Dials, checks requirepeer on a Unix-domain socket, then goes on to {@link #opened}; {@code tls} null: plaintext. */
    private void dial(ConnConfig config, PerConfig derived, HostSpec host, SocketAddress address, Duration budget, AttemptScope scope,
                      PreparedTls tls, PasswordLookup password, boolean fallback, CompletableFuture<ConnectionControl> result) {
        String label = host.label();
        resources.dialer().dial(scope.eventLoop(), address, host.isUnixSocket(), derived.keepalive(), budget, label).whenComplete((channel, dialError) -> {
            if (dialError != null) {
                result.completeExceptionally(dialError); // no socket: nothing to retry with the other encryption
                return;
            }
            if (!scope.track(channel)) {
                result.completeExceptionally(new PgTimeoutException(label, "attempt on " + label + " was abandoned"));
                return;
            }
            if (host.isUnixSocket() && config.requirePeer() != null) {
                // before the startup message, as libpq: a refused server learns nothing of this client; off the loop (NSS)
                RequirePeer.check(config.requirePeer(), host, channel, resources.socketPeer(), resources.lookups())
                        .whenComplete((checked, peerError) -> onChannelsLoop(channel, result, label, () -> {
                            if (peerError != null) {
                                channel.close();
                                result.completeExceptionally(peerError);
                            } else {
                                opened(config, derived, host, address, channel, tls, password, fallback, result);
                            }
                        }));
                return;
            }
            opened(config, derived, host, address, channel, tls, password, fallback, result);
        });
    }

    /** Runs {@code step} on the channel's loop; a loop that is shutting down fails the attempt instead. */
    private static void onChannelsLoop(Channel channel, CompletableFuture<ConnectionControl> result, String label, Runnable step) {
        try {
            channel.eventLoop().execute(step);
        } catch (RejectedExecutionException e) {
            channel.close();
            result.completeExceptionally(new PgFactoryClosedException(label, "connect to " + label
                    + " failed: the connection factory was closed", e));
        }
    }

    /** The socket is open (and its peer checked): plaintext ({@code tls} null) straight to the startup, or TLS first. */
    private void opened(ConnConfig config, PerConfig derived, HostSpec host, SocketAddress address, Channel channel, PreparedTls tls,
                        PasswordLookup password, boolean fallback, CompletableFuture<ConnectionControl> result) {
        if (tls == null) {
            startup(config, derived, host, address, channel, null, password,
                    (connection, error) -> settle(result, channel, null, fallback, connection, error));
            return;
        }
        CompletableFuture<TlsOutcome> negotiation;
        try {
            negotiation = AttemptTls.negotiate(config, host, channel, tls);
        } catch (RuntimeException e) { // e.g. verify-full for a host with hostaddr but no name: not retried without TLS
            channel.close();
            result.completeExceptionally(e);
            return;
        }
        BiConsumer<ConnectionControl, Throwable> settle = (connection, error) -> settle(result, channel, negotiation, fallback, connection, error);
        negotiation.whenComplete((outcome, tlsError) -> {
            if (tlsError != null) {
                settle.accept(null, tlsError);
            } else {
                startup(config, derived, host, address, channel, outcome instanceof TlsOutcome.Encrypted e ? e : null, password, settle);
            }
        });
    }

    /** Completes the attempt; a failure closes the channel and is marked for the other encryption when it may be retried. */
    private static void settle(CompletableFuture<ConnectionControl> result, Channel channel, CompletableFuture<TlsOutcome> negotiation,
                               boolean fallback, ConnectionControl connection, Throwable error) {
        if (error == null) {
            result.complete(connection);
            return;
        }
        channel.close();
        Throwable cause = FutureFailures.unwrap(error);
        if (!fallback || cause instanceof PgTimeoutException || cause instanceof PgConfigException || AttemptTls.endsTheHost(negotiation, cause)
                || refusedByTheClient(cause) || cannotConnectNow(cause)) {
            result.completeExceptionally(cause);
        } else {
            result.completeExceptionally(new FallbackEligible(cause));
        }
    }

    /** What an attempt needs of {@code config} alone: computed for the first attempt of a configuration, then reused. */
    private PerConfig perConfig(ConnConfig config) {
        PerConfig known = perConfig;
        if (known == null || known.config() != config) {
            known = new PerConfig(config, new Dialer.KeepaliveSettings(config.keepalives(), config.keepalivesIdle(),
                    config.keepalivesInterval(), config.keepalivesCount(), config.tcpUserTimeoutMillis()), Startup.startupMessage(config));
            perConfig = known;
        }
        return known;
    }

    /**
     * What an attempt derives from the configuration alone, kept for the last configuration seen (a
     * factory's connects share one): ConnConfig is immutable, so identity is enough to reuse it, and
     * the StartupMessage is immutable too, so every attempt may send the same one (validated and
     * copied once instead of per connect).
     */
    private record PerConfig(ConnConfig config, Dialer.KeepaliveSettings keepalive, StartupMessage startupMessage) {
    }

    /**
     * An authentication this client refused by itself — no password to give, a require_auth,
     * channel_binding or sslcertmode refusal, a SCRAM check —, as opposed to an ErrorResponse from
     * the server (which has a SQLSTATE). libpq 18 retries allow/prefer's other encryption only after the
     * server refused; a refusal of the client's own is final for the host (and the walk, §2.3).
     */
    private static boolean refusedByTheClient(Throwable cause) {
        return cause instanceof PgAuthenticationException auth && auth.sqlState().isEmpty();
    }

    /**
     * 57P03 (cannot_connect_now: starting up, in recovery without hot standby, shutting down smartly): the server's
     * state, not the encryption's — libpq 18 tries the other encryption after other startup errors, but not after
     * this one ("nor is there much point in changing SSL or GSS mode"), and neither does pgconn: a second login on a
     * recovering server starts a second backend for the same answer.
     */
    private static boolean cannotConnectNow(Throwable cause) {
        return cause instanceof PgException pg && pg.sqlState().filter("57P03"::equals).isPresent();
    }

    /**
     * The handshake on the open (and maybe encrypted) channel; {@code done} gets the session or why there
     * is none — also a failure thrown while setting the pipeline up, so that the attempt closes the channel.
     */
    private void startup(ConnConfig config, PerConfig derived, HostSpec host, SocketAddress address, Channel channel,
                         TlsOutcome.Encrypted tls, PasswordLookup password, BiConsumer<ConnectionControl, Throwable> done) {
        String label = host.label();
        StartupHandshake handshake;
        PipelinedSession session;
        try {
            BackendMessageDecoder decoder = new BackendMessageDecoder(label, config.maxMessageSize(), config.preAuthMaxMessageSize());
            handshake = Startup.handshake(config, host, tls, decoder, resources.saltedPasswords(), resources.tracer(),
                    derived.startupMessage(), resources.parameterSets(), password);
            session = new PipelinedSession(label, handshake.parameters(), config.preparedStatementCacheSize(),
                    new io.pgconn.internal.query.RegistryValueCodecs(resources.codecs()), config.blockingWaitSpin().toNanos(),
                    config.cancelGrace().toNanos(), config.serverErrorDetail(), config.pipeliningLimit());
            ChannelPipeline pipeline = channel.pipeline();
            pipeline.addLast("decoder", decoder);
            pipeline.addLast("encoder", FrontendMessageEncoder.INSTANCE);
            pipeline.addLast("session", new SessionHandler(session));
            pipeline.addBefore("session", "startup", handshake);
            if (tls == null) {
                // plaintext on epoll: a close may then send its Terminate on the caller's thread (SessionEnd)
                CallerCloseGuard.install(channel, resources.dialer().transport());
            }
        } catch (RuntimeException e) {
            done.accept(null, e);
            return;
        }
        handshake.result().whenComplete((result, error) -> {
            if (error != null) {
                done.accept(null, error);
                return;
            }
            ConnectionControl connection;
            try {
                AttemptTls.requireClientCertificateIfAsked(config, label, channel, tls);
                SessionFacts facts = new SessionFacts(host, address, tls, result.processId(), result.secretKey(),
                        result.protocolVersion(), result.authMethod());
                connection = new ConnectionControl(channel, facts, session, result.parameters(),
                        f -> canceller.cancel(f, TlsSettingsOf.config(config), CancelRequester.deadline(config.hostConnectTimeout())));
            } catch (RuntimeException e) {
                done.accept(null, e);
                return;
            }
            done.accept(connection, null);
        });
    }

    /** Marks a failure after the socket was open: libpq's allow/prefer may retry with the other encryption. */
    private static final class FallbackEligible extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FallbackEligible(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Whether an error is one of ours (for callers that need to wrap foreign exceptions). */
    public static PgException asPgException(Throwable error, String label) {
        Throwable t = FutureFailures.unwrap(error);
        if (t instanceof PgException pg) {
            return pg;
        }
        return SocketErrorText.isSocketError(t)
                ? SocketErrorText.connectFailure(label, "connection to " + label + " failed: " + SocketErrorText.said(t), t)
                : new io.pgconn.PgConnectException(label, "connection to " + label + " failed: " + t, t);
    }
}
