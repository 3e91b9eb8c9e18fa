package io.pgconn.hostile;

import io.pgconn.ConnectFailures;
import io.pgconn.HostStatus;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code factory.closeAsync(...)} while connects are in flight against servers that do not answer:
 * those connects fail at once with the README's "the connection factory was closed"
 * ({@link PgClosedException}), not with whatever the stopping event loops throw; and every
 * concurrent closeAsync caller gets the same future.
 */
class HostileFactoryCloseIT {

    @Test
    void connectsCutOffByCloseAsyncFailWithTheFactoryWasClosed() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        try (ScriptedServer silent = ScriptedServer.start(c -> {
            c.readStartupPacket();
            started.countDown();
            c.awaitClientClose();
        }); HostileClient client = new HostileClient("sslmode=disable connectTimeout=20s hostConnectTimeout=20s", PgTracer.noop(),
                silent)) {
            List<CompletableFuture<PgConnection>> connects = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                connects.add(client.factory().connect());
            }
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            client.factory().closeAsync(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            for (CompletableFuture<PgConnection> connect : connects) {
                assertThatThrownBy(() -> connect.get(5, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(PgClosedException.class)
                        .hasMessageContaining("the connection factory was closed")
                        .satisfies(closed -> assertThat(ConnectFailures.isWorthRetryingSoon((PgException) closed))
                                .as("a closed factory never connects again: not worth a retry").isFalse());
            }
            Throwable later = connects.get(0).handle((ok, error) -> error).get();
            assertThat(later).isInstanceOf(PgFactoryClosedException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            silent.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    /**
     * The host a closing factory cut off did nothing wrong, so the factory's memory does not blame it: before,
     * the aborted attempt's closed socket came back as the host's failure and marked it down.
     */
    @Test
    void aConnectCutOffByCloseAsyncLeavesTheHostUnblamed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (ScriptedServer silent = ScriptedServer.start(c -> {
            c.readStartupPacket();
            started.countDown();
            c.awaitClientClose();
        }); HostileClient client = new HostileClient("sslmode=disable connectTimeout=20s hostConnectTimeout=20s", PgTracer.noop(),
                silent)) {
            CompletableFuture<PgConnection> connect = client.factory().connect();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            // its event loop has stopped when this completes: whatever the aborted attempt met has been handled
            client.factory().closeAsync(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

            assertThatThrownBy(() -> connect.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(PgClosedException.class);
            assertThat(client.factory().hostStatus(silent.label()).state()).isEqualTo(HostStatus.State.UNKNOWN);
            silent.awaitConnectionsEnded(Duration.ofSeconds(5));
        }
    }

    @RepeatedTest(20)
    void concurrentCloseAsyncCallersGetTheSameFuture() throws Exception {
        try (ScriptedServer unused = ScriptedServer.start(Conversation::close);
             HostileClient client = new HostileClient("sslmode=disable", PgTracer.noop(), unused)) {
            int callers = 4;
            CyclicBarrier barrier = new CyclicBarrier(callers);
            List<CompletableFuture<CompletableFuture<Void>>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                CompletableFuture<CompletableFuture<Void>> result = new CompletableFuture<>();
                results.add(result);
                Thread t = new Thread(() -> {
                    try {
                        barrier.await(5, TimeUnit.SECONDS);
                        result.complete(client.factory().closeAsync(Duration.ofSeconds(5)));
                    } catch (Exception e) {
                        result.completeExceptionally(e);
                    }
                });
                t.start();
            }
            CompletableFuture<Void> first = results.get(0).get(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            for (CompletableFuture<CompletableFuture<Void>> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).as("every closeAsync caller gets the one future").isSameAs(first);
            }
            first.get(10, TimeUnit.SECONDS);
        }
    }
}
