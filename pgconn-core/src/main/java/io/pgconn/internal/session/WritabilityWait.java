package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One wait for a channel to become writable again (its outbound buffer drained below Netty's low water mark): a
 * handler added at the end of the pipeline for the wait only, which runs its task once and removes itself. A COPY FROM
 * STDIN asks its publisher for more data only while the channel is writable, so a fast publisher and a slow server
 * keep the heap flat ({@code QuerySession.whenWritable}). Event loop only.
 */
final class WritabilityWait extends ChannelInboundHandlerAdapter {

    private final Runnable task;
    private boolean ran;

    private WritabilityWait(Runnable task) {
        this.task = task;
    }

    /** Runs {@code task} on the loop once {@code channel} is writable (in a task when it is now); never if it ends first. */
    static void whenWritable(Channel channel, Runnable task) {
        if (channel.isWritable() || !channel.isActive()) {
            if (channel.isActive()) {
                channel.eventLoop().execute(task);
            }
            return;
        }
        channel.pipeline().addLast(new WritabilityWait(task));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) { // became writable between the check and the add
            runOnce(ctx);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            runOnce(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ran = true;
        ctx.pipeline().remove(this);
        ctx.fireChannelInactive();
    }

    private void runOnce(ChannelHandlerContext ctx) {
        if (!ran) {
            ran = true;
            ctx.pipeline().remove(this);
            ctx.channel().eventLoop().execute(task);
        }
    }
}
