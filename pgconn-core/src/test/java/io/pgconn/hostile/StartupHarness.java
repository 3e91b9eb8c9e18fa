package io.pgconn.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.startup.Startup;
import io.pgconn.internal.startup.StartupHandshake;
import io.pgconn.internal.startup.StartupResult;
import io.pgconn.trace.PgTracer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The startup/authentication state machine of one connection (decoder + handshake) in an
 * {@link EmbeddedChannel}, fed server bytes in chunks; what the client writes is kept as typed
 * messages so that a script can answer it. Small caps make "never allocates beyond the cap" checkable.
 */
final class StartupHarness implements AutoCloseable {

    static final int PRE_AUTH_CAP = 1024;
    static final int MAX_MESSAGE_SIZE = 4096;

    final EmbeddedChannel channel;
    final CountingAllocator allocator = new CountingAllocator();
    final CompletableFuture<StartupResult> result;
    final String host;
    /** Exceptions the pipeline raised after the handshake handed over (the session would get them). */
    final List<Throwable> afterHandshake = new ArrayList<>();

    StartupHarness(String options) {
        ConnConfig config = ConnConfig.parse("host=fuzz.invalid port=5432 user=alice dbname=app password=" + HostileClient.PASSWORD
                + " sslmode=disable maxScramIterations=4096 maxMessageSize=" + MAX_MESSAGE_SIZE + " preAuthMaxMessageSize="
                + PRE_AUTH_CAP + " " + options, EnvironmentSource.of(Map.of()));
        HostSpec hostSpec = config.hosts().get(0);
        host = hostSpec.label();
        channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        BackendMessageDecoder decoder = new BackendMessageDecoder(host, config.maxMessageSize(), config.preAuthMaxMessageSize());
        StartupHandshake handshake = Startup.handshake(config, hostSpec, null, decoder, null, PgTracer.noop(), Startup.startupMessage(config),
                new io.pgconn.internal.session.ServerParameterSets(), io.pgconn.internal.startup.PasswordLookup.given(config.password()));
        channel.pipeline().addLast("decoder", decoder);
        channel.pipeline().addLast("encoder", FrontendMessageEncoder.INSTANCE);
        channel.pipeline().addLast("startup", handshake);
        // stands in for the session handler: once the handshake is done, later bytes are the session's business
        channel.pipeline().addLast("session", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                afterHandshake.add(cause);
            }
        });
        result = handshake.result();
    }

    /** Delivers {@code bytes} as one read; harmless after the channel closed. */
    void serverSends(byte[] bytes) {
        if (channel.isOpen() && bytes.length > 0) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
    }

    /** Everything the client wrote since the last call, as (type, body) messages; the StartupMessage has type 0. */
    List<Conversation.Message> clientWrote() {
        List<Conversation.Message> messages = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            try {
                while (buf.isReadable()) {
                    boolean startup = buf.getByte(buf.readerIndex()) == 0; // StartupMessage: no type byte, length < 2^24
                    char type = startup ? 0 : (char) buf.readByte();
                    byte[] body = new byte[buf.readInt() - 4];
                    buf.readBytes(body);
                    messages.add(new Conversation.Message(type, body));
                }
            } finally {
                buf.release();
            }
        }
        return messages;
    }

    /** The server goes away: the handshake must be over after this, one way or the other. */
    void serverCloses() {
        channel.close();
        channel.runPendingTasks();
    }

    /** The failure, or {@code null} on success; fails when the handshake is still pending (a hang). */
    Throwable outcome() {
        if (!result.isDone()) {
            throw new AssertionError("the handshake neither succeeded nor failed after the server closed: a hang");
        }
        try {
            result.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    /** Whether {@code failure} and everything it wraps is ours: no stray runtime exception hidden inside. */
    static Throwable foreignCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof PgException) && !(t instanceof java.io.IOException)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
