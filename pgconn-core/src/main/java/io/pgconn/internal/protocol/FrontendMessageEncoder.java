package io.pgconn.internal.protocol;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.buffer.ByteBuf;
import io.pgconn.internal.protocol.frontend.FrontendMessage;

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

    @Override
    protected void encode(ChannelHandlerContext ctx, FrontendMessage msg, ByteBuf out) {
        msg.encode(out);
    }
}
