package io.pgconn.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.PgException;
import io.pgconn.PgConnectException;
import io.pgconn.internal.protocol.ForeignAnswer;
import io.pgconn.internal.transport.SocketErrorText;
import io.pgconn.PgProtocolException;
import io.pgconn.PgTlsException;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One-shot preamble handler: sends
 * <a href="https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL">SSLRequest</a>,
 * reads the server's one-byte answer and removes itself.
 * <ul>
 *   <li>{@code 'S'}: calls {@code startTls} (which puts the {@code SslHandler} at the pipeline head);
 *       the outcome comes from the handshake. Bytes already buffered after the 'S' are refused: they
 *       were sent in plaintext and would be taken as TLS-protected (CVE-2021-23222).</li>
 *   <li>{@code 'N'}: completes with {@link TlsOutcome.Refused}.</li>
 *   <li>{@code 'E'}: fails; the error text is not shown because nothing has authenticated the server yet.</li>
 *   <li>anything else: fails; the connection ending first (a close or a reset) fails as a transport
 *       failure, {@link PgConnectException}, so a multi-host connect moves on.</li>
 * </ul>
 */
final class SslRequestHandler extends ChannelInboundHandlerAdapter {

    /** SSLRequest's code in place of a protocol version: 1234 in the high half, 5679 in the low half. */
    static final int SSL_REQUEST_CODE = 80877103;
    private static final int SSL_REQUEST_LENGTH = 8;

    private final String hostLabel;
    private final CompletableFuture<TlsOutcome> result;
    private final Consumer<Channel> startTls;
    private boolean answered;
    private boolean requested;

    /**
     * @param hostLabel {@code host:port}, for exceptions
     * @param result    completed with {@code Refused} or failed here; on 'S' completing it is {@code startTls}'s job
     * @param startTls  adds the TLS handler(s) to the channel, called on the event loop
     */
    SslRequestHandler(String hostLabel, CompletableFuture<TlsOutcome> result, Consumer<Channel> startTls) {
        this.hostLabel = hostLabel;
        this.result = result;
        this.startTls = startTls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendRequest(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sendRequest(ctx);
        ctx.fireChannelActive();
    }

    /**
     * Sends the request once: when the handler joins an active channel, channelActive may still
     * follow (a connect promise's listeners run before channelActive fires).
     */
    private void sendRequest(ChannelHandlerContext ctx) {
        if (requested) {
            return;
        }
        requested = true;
        ByteBuf request = ctx.alloc().buffer(SSL_REQUEST_LENGTH).writeInt(SSL_REQUEST_LENGTH).writeInt(SSL_REQUEST_CODE);
        ctx.writeAndFlush(request).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                // the socket failed the write: the server went away (as a reset while waiting for the answer), not a TLS refusal
                Throwable error = future.cause();
                finish(ctx, SocketErrorText.isSocketError(error)
                        ? SocketErrorText.connectFailure(hostLabel, "could not send SSLRequest to " + hostLabel + ": " + SocketErrorText.said(error), error)
                        : new PgTlsException(hostLabel, "could not send SSLRequest to " + hostLabel, error));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered || !(msg instanceof ByteBuf in) || !in.isReadable()) {
                return;
            }
            byte answer = in.readByte();
            int extra = in.readableBytes();
            switch (answer) {
                case 'S' -> {
                    if (extra > 0) {
                        finish(ctx, new PgTlsException(hostLabel, "received unencrypted data after SSL response from "
                                + hostLabel + " (" + extra + " bytes before the TLS handshake; possible man-in-the-middle,"
                                + " CVE-2021-23222)"));
                    } else {
                        acceptTls(ctx);
                    }
                }
                case 'N' -> {
                    if (extra > 0) {
                        // the server must wait for StartupMessage; data now is a broken or hostile peer
                        finish(ctx, new PgProtocolException(hostLabel, "received " + extra
                                + " unexpected bytes after the SSL refusal ('N') from " + hostLabel));
                    } else {
                        finish(ctx, null);
                    }
                }
                case 'E' -> finish(ctx, new SslRequestErrorException(hostLabel, "server " + hostLabel
                        + " does not support SSL negotiation and answered with an error"
                        + " (its text is not shown: the server is not authenticated yet)"));
                default -> finish(ctx, new PgProtocolException(hostLabel, String.format(
                        "expected 'S', 'N' or 'E' in answer to SSLRequest from %s, received byte 0x%02x%s%s",
                        hostLabel, answer & 0xFF, answer > 0x20 && answer < 0x7F ? " ('" + (char) answer + "')" : "",
                        ForeignAnswer.note(answer, extra >= 4 ? in.getInt(in.readerIndex()) : null))));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void acceptTls(ChannelHandlerContext ctx) {
        answered = true;
        try {
            startTls.accept(ctx.channel());
            ctx.pipeline().remove(this);
        } catch (RuntimeException e) {
            result.completeExceptionally(e instanceof PgException ? e
                    : new PgTlsException(hostLabel, "could not start TLS with " + hostLabel + ": " + e, e));
        }
    }

    /**
     * A server that closes before it answered has not refused TLS: it went away (a crash, a stop, a
     * failover under way). That is a transport failure ({@link PgConnectException}), so a multi-host
     * connect moves on to the next host, as after any other close during startup (docs/lifecycle.md
     * §2.3; libpq stops here — a deliberate difference, §9).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx, new PgConnectException(hostLabel, "server " + hostLabel + " closed the connection unexpectedly before answering SSLRequest"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // not propagated: the future carries it, and the caller closes the channel. A socket error (reset) is the
        // server going away, like a close; anything else is a failure of this stage.
        // A socket error in the system's words save its client-disconnect phrases, the exception kept as suppressed, not
        // as the cause: "Connection reset by peer" ending the cause chain is what Spring MVC reads as its own client
        // going away (lifecycle.md §1.3, SocketErrorText.connectFailure).
        String message = "connection to " + hostLabel + " failed while waiting for the answer to SSLRequest: ";
        if (SocketErrorText.isSocketError(cause)) {
            finish(ctx, SocketErrorText.connectFailure(hostLabel, message + SocketErrorText.said(cause), cause));
        } else {
            finish(ctx, cause instanceof IOException ? new PgConnectException(hostLabel, message + cause, cause)
                    : new PgTlsException(hostLabel, message + cause, cause));
        }
    }

    /** Completes once ({@code null} failure = Refused) after leaving the pipeline. */
    private void finish(ChannelHandlerContext ctx, PgException failure) {
        if (answered) {
            return;
        }
        answered = true;
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
        if (failure == null) {
            result.complete(new TlsOutcome.Refused());
        } else {
            result.completeExceptionally(failure);
        }
    }
}
