package io.pgconn;

import io.netty.channel.EventLoopGroup;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A factory's name in its event loop threads' names, and its close told to its tracer and to {@code whenClosed}
 * (new user 23: 50 tenant factories showed as {@code pgconn-epoll-13-2} threads that said nothing of their tenant,
 * and the starter had no way to drop a closed factory's meters).
 */
class FactoryNameTest {

    @Test
    void aNamedFactorysEventLoopThreadsCarryItsName() throws Exception {
        assertThat(loopThreadOfAConnect("tenant-7")).matches("pgconn-tenant-7-(epoll|io_uring|nio)-\\d+-\\d+");
    }

    @Test
    void anUnnamedFactorysThreadsAreNamedAsBefore() throws Exception {
        assertThat(loopThreadOfAConnect(null)).matches("pgconn-(epoll|io_uring|nio)-\\d+-\\d+");
    }

    @Test
    void aNameIsKeptShortAndPlain() {
        assertThat(FactoryName.of(" tenant 7/ä ")).isEqualTo("tenant_7__");
        assertThat(FactoryName.of("x".repeat(40))).hasSize(PgConnectionFactory.Builder.MAX_NAME_LENGTH);
        assertThat(FactoryName.of("  ")).isNull();
    }

    @Test
    void aSharedGroupsThreadsCarryItsName() throws Exception {
        EventLoopGroup group = Transport.best().newEventLoopGroup("tenants", 1);
        try {
            String name = group.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertThat(name).matches("pgconn-tenants-(epoll|io_uring|nio)-\\d+-\\d+");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theTracerAndWhenClosedHearTheCloseOnceBeforeTheClosersFutureCompletes() throws Exception {
        List<PgTracer.FactoryClosed> closed = new CopyOnWriteArrayList<>();
        PgTracer tracer = new PgTracer() {
            @Override
            public void factoryClosed(FactoryClosed event) {
                closed.add(event);
            }
        };
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).name("tenant-8").threads(1)
                .tracer(tracer).build();
        AtomicBoolean hookRan = new AtomicBoolean();
        CompletableFuture<Void> whenClosed = factory.whenClosed();
        whenClosed.thenRun(() -> hookRan.set(true));
        assertThat(whenClosed).isNotDone();

        factory.closeAsync(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        assertThat(hookRan).isTrue();
        assertThat(closed).containsExactly(new PgTracer.FactoryClosed("tenant-8"));
        assertThat(factory.whenClosed()).isDone();

        factory.close();
        assertThat(closed).hasSize(1);
    }

    /** The name of the thread a refused connect's host attempt ended on: one of the factory's event loops. */
    private static String loopThreadOfAConnect(String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> threads = new CopyOnWriteArrayList<>();
        PgTracer tracer = new PgTracer() {
            @Override
            public void hostAttemptEnded(HostAttemptEnded event) {
                threads.add(Thread.currentThread().getName());
            }
        };
        try (PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).name(name).threads(1)
                .tracer(tracer).build()) {
            CompletableFuture<PgConnection> connect = factory.connect(ConnConfig.parse("host=127.0.0.1 port=" + port
                    + " user=u dbname=d connect_timeout=5", EnvironmentSource.of(Map.of())));
            assertThat(connect).failsWithin(Duration.ofSeconds(10));
        }
        assertThat(threads).isNotEmpty();
        return threads.get(0);
    }
}
