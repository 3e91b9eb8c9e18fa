package io.pgconn.internal.startup;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.PgConnectException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.protocol.backend.AuthenticationOk;
import io.pgconn.internal.protocol.backend.AuthenticationRequest;
import io.pgconn.internal.protocol.backend.BackendKeyData;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NegotiateProtocolVersion;
import io.pgconn.internal.protocol.backend.NoticeResponse;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.session.ClientEncodingCheck;
import io.pgconn.internal.session.ServerParameterSets;
import io.pgconn.internal.session.ServerParameters;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.frontend.StartupMessage;
import io.pgconn.internal.transport.SocketErrorText;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The handshake of one host after the transport (and TLS) is up: StartupMessage, the
 * authentication loop, ParameterStatus / BackendKeyData, up to the first ReadyForQuery.
 * One future, completed once; on failure the channel is closed before the future fails.
 * The handler removes itself when the handshake succeeds.
 *
 * <p>When the server asks for a password that is not known yet — no password given, so the {@code .pgpass} line of
 * this host is wanted — the handshake pauses: the file is read on the factory's file-read pool ({@link PasswordLookup})
 * and the answer is sent from the channel's loop once it is in hand (docs/lifecycle.md §1.6). The server says nothing
 * until it has the answer; a message other than an error or a notice meanwhile breaks the protocol.
 */
public final class StartupHandshake extends ChannelInboundHandlerAdapter {

    private enum State { AWAIT_FIRST, AUTHENTICATING, AWAIT_READY, DONE }

    private final String host;
    private final StartupMessage startupMessage;
    private final AuthenticationExchange authentication;
    private final PasswordLookup passwords;
    private final ProtocolNegotiation negotiation;
    private final BackendMessageDecoder decoder;
    private final CompletableFuture<StartupResult> result = new CompletableFuture<>();
    /** The session's live ParameterStatus map, given the startup's values at ReadyForQuery. */
    private final ServerParameters parameters;
    /** The ~15 values the server reports before ReadyForQuery (room for them: 32 slots), then null. */
    private Map<String, String> reported = new HashMap<>(32);
    private State state = State.AWAIT_FIRST;
    private boolean finished;
    /** Set once the handshake failed: whatever still arrives belongs to a dead connection and goes nowhere. */
    private boolean failed;
    /** Set while the password the server asked for is being read off the loop: its answer is not sent yet. */
    private boolean awaitingPassword;
    private int processId;
    private byte[] secretKey;

    StartupHandshake(String host, StartupMessage startupMessage, AuthenticationExchange authentication, PasswordLookup passwords,
                     ProtocolVersion minProtocol, BackendMessageDecoder decoder, ServerParameterSets parameterSets) {
        this.host = host;
        this.passwords = passwords;
        this.parameters = new ServerParameters(parameterSets);
        this.startupMessage = startupMessage;
        this.authentication = authentication;
        this.negotiation = new ProtocolNegotiation(host, startupMessage.version(), minProtocol);
        this.decoder = decoder;
    }

    public CompletableFuture<StartupResult> result() {
        return result;
    }

    /**
     * The live ParameterStatus map: empty until ReadyForQuery, then the startup's values (shared with the factory's
     * sessions that were told the same, {@link ServerParameterSets}); the session keeps it current after the handshake.
     */
    public ServerParameters parameters() {
        return parameters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(startupMessage).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, SocketErrorText.connectFailure(host, "could not send StartupMessage to " + host + ": "
                            + SocketErrorText.said(f.cause()), f.cause()));
                }
            });
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg); // later messages of the same read: not the session's, there is none
            return;
        }
        if (state == State.DONE) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            handle(ctx, msg);
        } catch (PgException e) {
            fail(ctx, e);
        } catch (RuntimeException e) {
            fail(ctx, new PgProtocolException(host, "handshake with " + host + " failed: " + e, e));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ErrorResponse error) {
            throw PasswordFileHint.added(PgErrors.fromServer(host, error.fields(), true), authentication.passwordFileUsed());
        }
        if (awaitingPassword && !(msg instanceof NoticeResponse)) {
            throw new PgProtocolException(host, "server " + host + " sent " + describe(msg)
                    + " before the client answered its password request");
        }
        if (state == State.AWAIT_FIRST && !(msg instanceof AuthenticationRequest) && !(msg instanceof NegotiateProtocolVersion)) {
            throw new PgProtocolException(host, "server " + host + " answered StartupMessage with " + describe(msg)
                    + "; expected an authentication request, NegotiateProtocolVersion or an error");
        }
        if (msg instanceof NegotiateProtocolVersion negotiate) {
            if (state != State.AWAIT_FIRST) {
                throw new PgProtocolException(host, "server " + host + " sent NegotiateProtocolVersion after authentication began");
            }
            negotiation.accept(negotiate);
        } else if (msg instanceof AuthenticationRequest request) {
            if (state == State.AWAIT_READY) {
                throw new PgProtocolException(host, "server " + host + " sent " + describe(msg) + " after AuthenticationOk");
            }
            state = State.AUTHENTICATING;
            AuthenticationExchange.Answer answer = authentication.answer(request);
            if (answer instanceof AuthenticationExchange.Answer.WithPassword withPassword) {
                answerWithPassword(ctx, withPassword);
            } else if (answer instanceof AuthenticationExchange.Answer.Now now && now.reply() != null) {
                ctx.writeAndFlush(now.reply());
            } else if (request instanceof AuthenticationOk) {
                state = State.AWAIT_READY;
                decoder.authenticationComplete();
            }
        } else if (msg instanceof ParameterStatus status && state == State.AWAIT_READY) {
            requireUtf8(status);
            reported.put(status.name(), status.value());
        } else if (msg instanceof BackendKeyData key && state == State.AWAIT_READY) {
            negotiation.checkCancelKeyLength(key.secretKey().length);
            processId = key.processId();
            secretKey = key.secretKey();
        } else if (msg instanceof ReadyForQuery && state == State.AWAIT_READY) {
            state = State.DONE;
            finished = true;
            parameters.startupReported(reported);
            reported = null;
            decoder.deliverInBatches(); // the session's reads: a read's messages pass the pipeline together
            ctx.pipeline().remove(this);
            result.complete(new StartupResult(parameters, processId, secretKey, negotiation.current(), authentication.method()));
        } else if (!(msg instanceof NoticeResponse)) {
            throw new PgProtocolException(host, "server " + host + " sent unexpected " + describe(msg) + " during startup");
        }
    }

    /**
     * Sends the answer made from the password: at once when it is known (given, or read by this host's earlier attempt),
     * else once it is read — off the loop — back on the channel's loop, unless the handshake ended meanwhile (the
     * attempt's budget ran out, the server went away).
     */
    private void answerWithPassword(ChannelHandlerContext ctx, AuthenticationExchange.Answer.WithPassword answer) {
        CompletableFuture<String> password = passwords.password();
        if (password.isDone()) {
            passwordKnown(ctx, answer, password);
            return;
        }
        awaitingPassword = true;
        password.whenComplete((ignored, error) -> {
            try {
                ctx.executor().execute(() -> passwordKnown(ctx, answer, password));
            } catch (RejectedExecutionException e) { // the loop is shutting down with its factory: it closes the channel
                result.completeExceptionally(new PgFactoryClosedException(host, "connect to " + host
                        + " failed: the connection factory was closed", e));
                ctx.channel().close();
            }
        });
    }

    private void passwordKnown(ChannelHandlerContext ctx, AuthenticationExchange.Answer.WithPassword answer, CompletableFuture<String> password) {
        awaitingPassword = false;
        if (failed || finished) {
            return; // the handshake ended while the password was read: nobody waits for its answer
        }
        try {
            ctx.writeAndFlush(answer.reply().apply(password.join()));
        } catch (CompletionException e) {
            fail(ctx, e.getCause() instanceof PgException pg ? pg
                    : new PgConnectException(host, "could not get the password for " + host + ": " + e.getCause(), e.getCause()));
        } catch (PgException e) {
            fail(ctx, e);
        } catch (RuntimeException e) {
            fail(ctx, new PgProtocolException(host, "handshake with " + host + " failed: " + e, e));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            return; // the first failure was reported and the channel is closing
        }
        if (finished) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        fail(ctx, cause instanceof PgException pg ? pg : startupFailure(cause));
    }

    /**
     * A socket error before ReadyForQuery, in the system's words save its client-disconnect phrases
     * ({@link SocketErrorText#inOwnWords}): the socket's exception is kept as suppressed, not as the cause, so no
     * cause chain ends in "Connection reset by peer" (which Spring MVC reads as its own client going away).
     */
    private PgConnectException startupFailure(Throwable cause) {
        return SocketErrorText.connectFailure(host, "connection to " + host + " failed during startup: " + SocketErrorText.said(cause), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            fail(ctx, new PgConnectException(host, "server " + host + " closed the connection unexpectedly during startup"));
        }
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, PgException error) {
        if (finished) {
            return;
        }
        finished = true;
        failed = true;
        state = State.DONE;
        ctx.channel().close().addListener(f -> result.completeExceptionally(error));
    }

    /**
     * pgconn asked for client_encoding=UTF8 and reads and writes text as UTF-8 only; PostgreSQL applies
     * it over {@code options} and ALTER DATABASE/ROLE settings, so another encoding here is a server or
     * proxy that ignored it: the connect fails naming it (lifecycle.md §1.3), as a SET client_encoding
     * ends an established session.
     */
    private void requireUtf8(ParameterStatus status) {
        if ("client_encoding".equals(status.name()) && !ClientEncodingCheck.isUtf8(status.value())) {
            throw new PgConnectException(host, "server " + host + " reported client_encoding " + status.value()
                    + " at startup, though pgconn asked for UTF8: pgconn reads and writes text as UTF8 only,"
                    + " so the connection was refused (a server or proxy that ignores the client_encoding startup parameter?)");
        }
    }

    private static String describe(Object msg) {
        return msg.getClass().getSimpleName();
    }
}
