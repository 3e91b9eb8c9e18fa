package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.AuthMethod;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.ProtocolVersion;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The boundary on the classpath: what a user who casts a connection to its class can reach. */
class DefaultPgConnectionTest {

    private final SchedulingCountedChannel channel = new SchedulingCountedChannel(FrontendMessageEncoder.INSTANCE, new SessionHandler(new PipelinedSession("db:5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE)));
    private final ConnectionControl control = new ConnectionControl(channel,
            new SessionFacts(new HostSpec("db", null, 5432), null, null, 42, new byte[4], ProtocolVersion.V3_0, AuthMethod.NONE),
            ((SessionHandler) channel.pipeline().last()).session(), Map.of(), f -> CompletableFuture.completedFuture(null));

    @AfterEach
    void drain() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aCastFindsOnlyTheInterfacesMethods() {
        PgConnection connection = control.connection();
        Class<?> implementation = connection.getClass();

        assertThat(Modifier.isPublic(implementation.getModifiers())).as("a public class could be named in a cast").isFalse();
        List<String> beyondTheApi = Arrays.stream(implementation.getMethods())
                .filter(m -> !declaredBy(PgConnection.class, m) && !declaredBy(Object.class, m))
                .map(Method::toString)
                .toList();
        // role(ServerRole), typeOids(Map), close(String), channel(), onClosed(Runnable) are not public here
        assertThat(beyondTheApi).isEmpty();
        assertThat(Arrays.stream(implementation.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .filter(m -> !declaredBy(PgConnection.class, m) && !declaredBy(Object.class, m))
                .map(Method::getName)).isEmpty();
    }

    @Test
    void closeFutureCompletesNormallyAfterTheUsersClose() {
        PgConnection connection = control.connection();

        connection.close();
        channel.runPendingTasks();
        releaseOutbound();

        assertThat(connection.closeFuture()).isCompleted().isNotCompletedExceptionally();
    }

    /**
     * close()'s future: a caller blocked on it yields its CPU for a moment before it parks (docs/lifecycle.md §4), and
     * it completes once the Terminate was written and the channel closed, with no forced-close timer left behind.
     */
    @Test
    void closeWritesTerminateClosesTheChannelAndItsFutureYieldsFirst() {
        PgConnection connection = control.connection();

        CompletableFuture<Void> closing = connection.close();
        assertThat(closing).isInstanceOf(io.pgconn.internal.query.SpinThenParkFuture.class);
        assertThat(((io.pgconn.internal.query.SpinThenParkFuture<Void>) closing).yieldsFirst()).isTrue();
        channel.runPendingTasks();

        ByteBuf terminate = channel.readOutbound();
        try {
            assertThat(terminate.readByte()).isEqualTo((byte) 'X');
        } finally {
            terminate.release();
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(closing).isCompleted().isNotCompletedExceptionally();
        // counted as asked for: a timer armed and cancelled at once leaves nothing in the loop's queue
        assertThat(channel.scheduled).as("no forced close armed").hasValue(0);
    }

    @Test
    void closeFutureFailsWhenTheSessionIsLost() {
        PgConnection connection = control.connection();

        channel.close(); // the peer went away; nobody asked for a close

        assertThat(connection.closeFuture()).isCompletedExceptionally();
        assertThat(connection.closeFuture().handle((ok, error) -> error).join()).isInstanceOf(PgException.class)
                .hasMessageContaining("db:5432");
    }

    /**
     * An {@link EmbeddedChannel} whose {@link #eventLoop()} counts the tasks scheduled on it: a scheduled task
     * cancelled at once is removed from the embedded loop's queue and leaves no other trace (AUDIT-13 L4).
     */
    private static final class SchedulingCountedChannel extends EmbeddedChannel {
        final AtomicInteger scheduled = new AtomicInteger();
        private EventLoop counting;

        SchedulingCountedChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        public EventLoop eventLoop() {
            EventLoop loop = super.eventLoop();
            if (scheduled == null) {
                return loop; // registering, inside the super constructor
            }
            if (counting == null) {
                counting = (EventLoop) Proxy.newProxyInstance(EventLoop.class.getClassLoader(), new Class<?>[] {EventLoop.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("schedule")) {
                                scheduled.incrementAndGet();
                            }
                            try {
                                return method.invoke(loop, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
            return counting;
        }
    }

    private void releaseOutbound() {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }

    private static boolean declaredBy(Class<?> type, Method method) {
        try {
            type.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
