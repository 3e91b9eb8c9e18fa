package io.pgconn.hostile;

import io.netty.channel.EventLoopGroup;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.Transport;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that resets the connection before the dial has finished — a half-open or overloaded listener, a proxy
 * whose backend went away: the kernel completed the handshake, the server reset, and the client's event loop learns
 * both at once, from the connect's own completion ({@code finishConnect}: ECONNRESET). The dial's failure is said in
 * pgconn's words, the socket's exception kept as suppressed, not as the cause: Spring MVC takes an exception whose
 * most specific cause says "connection reset by peer" (or "broken pipe") for its own HTTP client going away and
 * answers nothing, status 200 (new user 11 F1's dial twin; lifecycle.md §1.1). The client's loop is held while the
 * server accepts and resets, so that the reset is what the connect's completion reads — on the transports whose loop
 * reads it (io_uring's kernel completes the connect itself as soon as the handshake is done: there the reset is a
 * read error during startup, {@code HostileStartupIT}).
 */
class HostileDialResetIT {

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void aResetWhileDiallingIsSaidInWordsNoHttpServerTakesForItsOwnClientGoingAway(Transport transport) throws Exception {
        CountDownLatch reset = new CountDownLatch(1);
        EventLoopGroup group = newGroup(transport);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.reset();
            reset.countDown();
        }); PgConnectionFactory factory = PgConnectionFactory.builder(config(server)).eventLoopGroup(group).build()) {
            // connect() on the factory's loop: the walk dials at once (a password given and sslmode=disable: no file to read
            // first, docs/lifecycle.md §1.6), and its completion waits for the loop
            CompletableFuture<PgConnection> connect = group.submit(() -> {
                CompletableFuture<PgConnection> started = factory.connect();
                assertThat(reset.await(10, TimeUnit.SECONDS)).as("the server accepted and reset").isTrue();
                return started;
            }).get(15, TimeUnit.SECONDS);
            Throwable error = failure(connect);
            assertThat(error).isExactlyInstanceOf(PgConnectException.class)
                    .hasMessageContaining("could not connect to " + server.label())
                    .hasMessageContaining("the server reset the connection (ECONNRESET)");
            assertThat(((PgConnectException) error).host()).isEqualTo(server.label());
            ClientGoneWords.assertNoneIn(error);
            assertThat(error.getSuppressed()).as("the socket's own exception is kept, as suppressed")
                    .anySatisfy(s -> assertThat(s).isInstanceOf(java.io.IOException.class));
            assertThat(factory.openConnections()).isZero();
            server.assertScriptsPassed();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * The CancelRequest's own connection reset while dialling: {@code cancel()} fails in pgconn's words too, naming
     * the host — a cancel is sent from a request's thread (a statement timeout, a client that gave up) as often as a
     * connect is.
     */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void aResetWhileDiallingTheCancelRequestIsSaidInWordsNoHttpServerTakesForItsOwnClientGoingAway(Transport transport)
            throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch cancelReset = new CountDownLatch(1);
        EventLoopGroup group = newGroup(transport);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            if (accepted.incrementAndGet() == 1) {
                c.readStartupRefusingTls();
                c.send(Backend.trustLogin());
            } else {
                c.reset();
                cancelReset.countDown();
            }
        }); PgConnectionFactory factory = PgConnectionFactory.builder(config(server)).eventLoopGroup(group).build()) {
            PgConnection connection = factory.connect().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                // cancel() on the loop: its dial starts at once, and its completion waits until the server has reset it
                CompletableFuture<Void> cancel = group.submit(() -> {
                    CompletableFuture<Void> started = connection.cancel();
                    assertThat(cancelReset.await(10, TimeUnit.SECONDS)).as("the server accepted and reset").isTrue();
                    return started;
                }).get(15, TimeUnit.SECONDS);
                Throwable error = failure(cancel);
                assertThat(error).isExactlyInstanceOf(PgConnectException.class)
                        .hasMessageContaining(server.label())
                        .hasMessageContaining("the server reset the connection (ECONNRESET)");
                ClientGoneWords.assertNoneIn(error);
                assertThat(error.getSuppressed()).as("the socket's own exception is kept, as suppressed")
                        .anySatisfy(s -> assertThat(s).isInstanceOf(java.io.IOException.class));
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
            server.assertScriptsPassed();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static EventLoopGroup newGroup(Transport transport) {
        assertThat(transport.isAvailable()).as(transport + " is available on this machine").isTrue();
        return transport.newEventLoopGroup(1);
    }

    private static ConnConfig config(ScriptedServer server) {
        return ConnConfig.parse("host=127.0.0.1 port=" + server.port() + " user=alice password=unused dbname=app sslmode=disable extensionTypes=''"
                + " connectTimeout=5s hostConnectTimeout=5s", EnvironmentSource.of(Map.of()));
    }

    private static Throwable failure(CompletableFuture<?> future) {
        assertThatThrownBy(() -> future.get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class);
        return future.handle((ok, error) -> error instanceof java.util.concurrent.CompletionException c ? c.getCause() : error).join();
    }
}
