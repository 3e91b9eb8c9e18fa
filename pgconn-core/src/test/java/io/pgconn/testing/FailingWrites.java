package io.pgconn.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;

/**
 * The head of a test pipeline whose socket fails every write as the operating system would: a reset or a broken pipe
 * found by the write itself, which a real socket shows only in a race (the reset arriving between the connect's
 * completion and the first write on the same loop turn).
 */
public final class FailingWrites extends ChannelOutboundHandlerAdapter {

    private final String systemWords;

    /** @param systemWords what the system says, e.g. "Connection reset by peer" or "Broken pipe" */
    public FailingWrites(String systemWords) {
        this.systemWords = systemWords;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        promise.setFailure(new IOException(systemWords));
    }
}
