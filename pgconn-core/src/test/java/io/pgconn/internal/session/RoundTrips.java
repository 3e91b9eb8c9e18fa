package io.pgconn.internal.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgconn.PgConnection;
import io.pgconn.internal.protocol.BackendMessageBatch;
import io.pgconn.internal.protocol.backend.ReadyForQuery;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only: counts the ReadyForQuery messages a connection reads — one per Sync group (or simple Query) it sent, so the
 * round trips of requests that wait for each other — right after its decoder, before the session's handler (a
 * statement started on its caller's thread writes past the pipeline, so the writes are not what is counted).
 */
public final class RoundTrips extends ChannelInboundHandlerAdapter {

    private final AtomicInteger answered = new AtomicInteger();

    private RoundTrips() {
    }

    /** Counts on {@code connection} from now on. */
    public static RoundTrips on(PgConnection connection) {
        RoundTrips counter = new RoundTrips();
        SessionAccess.channel(connection).pipeline().addAfter("decoder", "round-trips", counter);
        return counter;
    }

    /** The round trips answered since the last call. */
    public int take() {
        return answered.getAndSet(0);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BackendMessageBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                count(batch.get(i));
            }
        } else {
            count(msg);
        }
        ctx.fireChannelRead(msg);
    }

    private void count(Object message) {
        if (message instanceof ReadyForQuery) {
            answered.incrementAndGet();
        }
    }
}
