package io.pgconn.internal.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

/**
 * A loopback server that plays PostgreSQL's side of TLS negotiation: reads SSLRequest and answers
 * with {@code answer} (then TLS when it is {@code "S"}), or speaks TLS at once in direct mode.
 * Records the SNI host name the client sent. One connection per test.
 */
final class FakeTlsServer implements AutoCloseable {

    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    /** The SNI host name of the accepted TLS handshake, {@code ""} when none was sent. */
    final CompletableFuture<String> sniHostName = new CompletableFuture<>();
    /** The subject of the client certificate the handshake verified, {@code ""} when the client sent none. */
    final CompletableFuture<String> clientSubject = new CompletableFuture<>();

    /**
     * @param answer bytes sent after SSLRequest ({@code "S"}, {@code "N"}, {@code "S..."} for a MITM), or
     *               {@code null} for direct TLS
     */
    FakeTlsServer(EventLoopGroup group, SslContext serverContext, byte[] answer) {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        if (answer == null) {
                            startTls(ch, serverContext);
                        } else {
                            ch.pipeline().addLast(new SslRequestAnswer(answer, serverContext));
                        }
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        channels.add(serverChannel);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    private void startTls(Channel ch, SslContext serverContext) {
        SslHandler ssl = serverContext.newHandler(ch.alloc());
        ch.pipeline().addFirst(ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess() && ssl.engine().getSession() instanceof ExtendedSSLSession session) {
                List<SNIServerName> names = session.getRequestedServerNames();
                sniHostName.complete(names.isEmpty() ? "" : ((SNIHostName) names.get(0)).getAsciiName());
                try {
                    clientSubject.complete(session.getPeerPrincipal().getName());
                } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                    clientSubject.complete("");
                }
            } else {
                Throwable failure = f.cause() != null ? f.cause() : new IllegalStateException("no session");
                sniHostName.completeExceptionally(failure);
                clientSubject.completeExceptionally(failure);
            }
        });
        // handshake failures also travel the pipeline; swallow them here instead of the tail's warning
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
    }

    /** Reads the 8-byte SSLRequest, writes the scripted answer, then hands over to TLS on 'S' alone. */
    private final class SslRequestAnswer extends ChannelInboundHandlerAdapter {
        private final byte[] answer;
        private final SslContext serverContext;
        private int received;

        SslRequestAnswer(byte[] answer, SslContext serverContext) {
            this.answer = answer;
            this.serverContext = serverContext;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                received += ((ByteBuf) msg).readableBytes();
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (received < 8) {
                return;
            }
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(answer));
            ctx.pipeline().remove(this);
            if (answer.length == 1 && answer[0] == 'S') {
                startTls(ctx.channel(), serverContext);
            }
        }
    }

    @Override
    public void close() {
        channels.close().syncUninterruptibly();
    }
}
