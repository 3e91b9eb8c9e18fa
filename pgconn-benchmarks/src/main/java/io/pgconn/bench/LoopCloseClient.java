package io.pgconn.bench;

import io.netty.channel.Channel;
import io.pgconn.PgConnection;
import io.pgconn.config.SslProviderKind;

import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * pgconn with its close asked on the connection's event loop: the loop's way, which every close took before the
 * close on the caller's thread (docs/lifecycle.md §4) — the caller hands the close to the loop (an eventfd wake-up),
 * the loop writes the Terminate, closes the socket, runs the owners' hooks and completes the future. For an A/B of
 * the two ways in one JVM (PkAB's {@code pgconn-loopclose-connect} against {@code pgconn-connect}). The caller yields
 * its CPU until the loop took the close (as a caller blocked on pgconn's close future yields while the loop wakes),
 * then waits on pgconn's own future, as before (its yield, then park; the loop's yield after completing it). One
 * difference from the old {@code close()}: the loop runs the close one task later in the same turn. The channel is
 * reached by reflection (the benchmark only: pgconn hands out no channel).
 */
final class LoopCloseClient extends PgconnClient {

    LoopCloseClient(Endpoints endpoints) {
        super(endpoints, SslProviderKind.AUTO);
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        PgConnection c = (PgConnection) connection;
        AtomicReference<CompletableFuture<Void>> asked = new AtomicReference<>();
        channelOf(c).eventLoop().execute(() -> asked.set(c.close()));
        CompletableFuture<Void> closed;
        while ((closed = asked.get()) == null) {
            Thread.yield(); // the loop's wake-up: the caller of pgconn's close() yields on its future the same way
        }
        return closed; // pgconn's own future: the caller blocks on it, so the loop yields after completing it, as before
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
