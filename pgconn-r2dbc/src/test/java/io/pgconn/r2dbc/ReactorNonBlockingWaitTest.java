package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New user 8 F2: a blocking wait for a pgconn future not yet complete is refused on Reactor's non-blocking
 * threads ({@code parallel-N}), as Reactor's own {@code block()} is there — it blocked, while docs/query.md
 * promised "the same rule as Reactor's block()". pgconn-core knows the marker only by name. The future here
 * is a connect to a server that accepts the socket and never answers: not complete until connect_timeout.
 */
class ReactorNonBlockingWaitTest {

    /** Runs {@code work} on a parallel thread; bounded, so a wait that is not refused fails the test instead of hanging it. */
    private static <T> T onParallel(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
    }

    @Test
    void onAParallelThreadAWaitForAnIncompleteFutureIsRefusedAndACompleteOneIsRead() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1 port="
                     + silent.getLocalPort() + " user=nobody sslmode=disable connect_timeout=2")).build()) {
            CompletableFuture<PgConnection> connect = factory.connect();
            assertThatThrownBy(() -> onParallel(connect::join))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("join()").hasMessageContaining("non-blocking Reactor thread (parallel-")
                    .hasMessageContaining("thenCompose");
            assertThatThrownBy(() -> onParallel(() -> connect.get(5, TimeUnit.SECONDS)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("get(timeout)");
            assertThatThrownBy(() -> onParallel(connect.thenApply(c -> c)::get))
                    .as("a stage made from it").isInstanceOf(IllegalStateException.class).hasMessageContaining("get()");

            assertThatThrownBy(connect::join).as("the connect times out").isInstanceOf(CompletionException.class);
            assertThat(onParallel(() -> connect.handle((c, e) -> e != null).join()))
                    .as("a complete future is read on a parallel thread").isTrue();
        }
    }

    @Test
    void onABoundedElasticThreadTheWaitBlocksAsItMay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.parse("host=127.0.0.1 port="
                     + silent.getLocalPort() + " user=nobody sslmode=disable connect_timeout=2")).build()) {
            CompletableFuture<PgConnection> connect = factory.connect();
            assertThatThrownBy(() -> Mono.fromCallable(() -> connect.get(50, TimeUnit.MILLISECONDS))
                    .subscribeOn(Schedulers.boundedElastic()).block(Duration.ofSeconds(10)))
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThatThrownBy(connect::join).isInstanceOf(CompletionException.class);
        }
    }
}
