package io.pgconn.internal.protocol;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.buffer.ByteBuf;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.transport.BusyPollStrategy;

/**
 * Writes {@link FrontendMessage}s; each message encodes itself, so the encoder holds no state and
 * one instance serves every channel.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">Message Formats</a>
 */
@Sharable
public final class FrontendMessageEncoder extends MessageToByteEncoder<FrontendMessage> {

    public static final FrontendMessageEncoder INSTANCE = new FrontendMessageEncoder();

    private FrontendMessageEncoder() {
        super(FrontendMessage.class); // no reflective type-parameter lookup
    }

    /**
     * Every message written to the channel passes here (the startup's, a close's Terminate, a refused COPY's CopyFail): a
     * request written closes a busy-polling loop's poll window ({@link BusyPollStrategy#requestWritten(Object)}) unless
     * another connection's caller is still to submit after its answer; its answer will wake the loop. The session's
     * batches of encoded bytes enter the pipeline below this encoder and tell the strategy themselves
     * ({@code WriteBatch.flush}).
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        BusyPollStrategy.requestWritten(ctx.channel());
        super.write(ctx, msg, promise);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, FrontendMessage msg, ByteBuf out) {
        msg.encode(out);
    }
}
