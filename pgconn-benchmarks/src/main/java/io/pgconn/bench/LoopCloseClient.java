package io.pgconn.bench;

import io.netty.channel.Channel;
import io.pgconn.PgConnection;
import io.pgconn.config.SslProviderKind;

import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;

/**
 * pgconn with its close asked on the connection's event loop: the loop's way, which every close took before the
 * close on the caller's thread (docs/lifecycle.md §4) — the caller hands the close to the loop (an eventfd wake-up),
 * the loop writes the Terminate, closes the socket, runs the owners' hooks and completes the future. For an A/B of
 * the two ways in one JVM (PkAB's {@code pgconn-loopclose-connect} against {@code pgconn-connect}). The caller waits
 * as a caller blocked on pgconn's close future does: yielding its CPU for up to 50 µs, then parking. What it does not
 * have is the loop's yield after completing that future (pgconn yields only for a caller blocked on its own future):
 * session 15 measured that yield at 3–8 % of close() (results/2026-12-05-session15-speed.md). The channel is reached
 * by reflection (the benchmark only: pgconn hands out no channel).
 */
final class LoopCloseClient extends PgconnClient {

    private static final long YIELD_NANOS = 50_000;

    LoopCloseClient(Endpoints endpoints) {
        super(endpoints, SslProviderKind.AUTO);
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        PgConnection c = (PgConnection) connection;
        CompletableFuture<Void> done = new CompletableFuture<>();
        channelOf(c).eventLoop().execute(() -> c.close().whenComplete((ok, error) -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        }));
        long until = System.nanoTime() + YIELD_NANOS;
        while (!done.isDone() && System.nanoTime() < until) {
            Thread.yield();
        }
        return done;
    }

    private static Channel channelOf(PgConnection c) {
        try {
            for (Field f : c.getClass().getDeclaredFields()) {
                if (Channel.class.isAssignableFrom(f.getType())) {
                    f.setAccessible(true);
                    return (Channel) f.get(c);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no channel field in " + c.getClass());
    }
}
