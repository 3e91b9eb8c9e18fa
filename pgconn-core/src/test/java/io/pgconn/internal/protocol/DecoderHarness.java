package io.pgconn.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.backend.BackendMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link BackendMessageDecoder} in an {@link EmbeddedChannel}, with a tail handler that records
 * every message and exception in order (keeping each {@link BackendMessageBatch}, as a receiver that reads it later must). {@link #close()} also checks that every buffer written
 * in was released: the leak detector only reports on GC, this fails the test at once.
 */
final class DecoderHarness implements AutoCloseable {

    static final String HOST = "db.example:5432";

    final BackendMessageDecoder decoder;
    final EmbeddedChannel channel;
    final List<Object> events = new ArrayList<>();
    private final List<ByteBuf> written = new ArrayList<>();

    DecoderHarness(int maxMessageSize, int preAuthenticationMaxMessageSize) {
        this(maxMessageSize, preAuthenticationMaxMessageSize, (ctx, msg) -> { });
    }

    /** {@code onMessage} runs inside channelRead, as a real handshake handler would. */
    DecoderHarness(int maxMessageSize, int preAuthenticationMaxMessageSize,
                   BiConsumer<DecoderHarness, Object> onMessage) {
        decoder = new BackendMessageDecoder(HOST, maxMessageSize, preAuthenticationMaxMessageSize);
        channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof BackendMessageBatch batch) {
                    batch.keep(); // recorded to be read after this channelRead: the decoder must not fill it again
                }
                events.add(msg);
                onMessage.accept(DecoderHarness.this, msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                events.add(cause);
                onMessage.accept(DecoderHarness.this, cause);
            }
        });
    }

    static DecoderHarness standard() {
        return new DecoderHarness(1 << 20, 64 * 1024);
    }

    /** Writes each chunk as its own read. */
    DecoderHarness write(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            if (chunk.length == 0) {
                continue; // Unpooled.copiedBuffer(empty) is the unreleasable EMPTY_BUFFER
            }
            ByteBuf buf = Unpooled.copiedBuffer(chunk);
            written.add(buf);
            channel.writeInbound(buf);
        }
        return this;
    }

    DecoderHarness writeByteByByte(byte[] bytes) {
        for (byte b : bytes) {
            write(new byte[] {b});
        }
        return this;
    }

    List<BackendMessage> messages() {
        return events.stream().filter(BackendMessage.class::isInstance).map(BackendMessage.class::cast).toList();
    }

    List<Throwable> errors() {
        return events.stream().filter(Throwable.class::isInstance).map(Throwable.class::cast).toList();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        channel.checkException();
        assertThat(written).allSatisfy(buf -> assertThat(buf.refCnt()).as("input buffer released").isZero());
    }
}
