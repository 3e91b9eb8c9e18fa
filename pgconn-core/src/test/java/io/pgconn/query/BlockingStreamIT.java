package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgStatement#stream}: rows for a reader that blocks (user3's F6: a Spring MVC export that wrote
 * each row to a slow HTTP client from a Flow.Subscriber stalled every connection of the event loop).
 */
class BlockingStreamIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void everyRowOfEveryParameterSetComesInOrder() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try (Stream<Row> rows = c.statement("SELECT g FROM generate_series(1, $1::int) g ORDER BY g").bind(0, 100_000).add()
                .bind(0, 3).stream(256)) {
            List<Integer> values = rows.map(r -> r.getInt(0)).toList();
            assertThat(values).hasSize(100_003);
            assertThat(values.subList(0, 100_000)).containsExactlyElementsOf(IntStream.rangeClosed(1, 100_000).boxed().toList());
            assertThat(values.subList(100_000, 100_003)).containsExactly(1, 2, 3);
            assertThat(await(c.query("SELECT 7")).row(0).getInt(0)).isEqualTo(7);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStalledReaderStallsOnlyItsOwnStatementNotTheEventLoop() throws Exception {
        // one event loop for both connections: a blocked loop would stop the second one's query too
        try (PgConnectionFactory oneLoop = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build()) {
            PgConnection slow = await(oneLoop.connect(config()));
            PgConnection other = await(oneLoop.connect(config()));
            try (Stream<Row> rows = slow.statement("SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g").stream(64)) {
                Iterator<Row> it = rows.iterator();
                assertThat(it.next().getInt(0)).isEqualTo(1);
                // the reader now stops; the server still has ~200,000 rows to send on the same loop
                for (int i = 0; i < 20; i++) {
                    assertThat(await(other.query("SELECT $1::int * 2", i)).row(0).getInt(0)).isEqualTo(i * 2);
                }
                assertThat(it.next().getInt(0)).isEqualTo(2);
            }
            // closed before the end: the statement was cancelled and the connection is usable
            assertThat(await(slow.query("SELECT 'after'")).row(0).get(0, String.class)).isEqualTo("after");
            await(slow.close());
            await(other.close());
        }
    }

    @Test
    void aServerErrorMidStreamIsThrownAfterTheRowsBeforeIt() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Iterator<Row> it = c.statement("SELECT 1 / (500 - g) FROM generate_series(1, 1000) g").stream(16).iterator();
            int read = 0;
            Throwable thrown = null;
            try {
                while (it.hasNext()) {
                    it.next();
                    read++;
                }
            } catch (PgServerException e) {
                thrown = e;
            }
            assertThat(thrown).isInstanceOf(PgServerException.class);
            assertThat(((PgServerException) thrown).sqlState()).contains("22012");
            assertThat(read).isLessThan(500);
            assertThat(it.hasNext()).isFalse();
            assertThat(await(c.query("SELECT 1")).size()).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    @Test
    void anInterruptedReaderCancelsTheStatementAndKeepsItsInterruptFlag() throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                Stream<Row> rows = c.statement("SELECT pg_sleep(30)").stream(1);
                waiting.countDown();
                try {
                    rows.iterator().hasNext();
                } catch (Throwable t) {
                    thrown.set(t);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            reader.start();
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            io.pgconn.testing.Conditions.awaitCondition("the reader waits for its first row",
                    () -> reader.getState() == Thread.State.WAITING);
            // the server runs the sleep: a cancel that reached the backend before the query did would be
            // ignored by PostgreSQL, and the connection closed after the cancel grace (seen once under load)
            io.pgconn.testing.Conditions.awaitCondition("the server runs pg_sleep", () -> "PgSleep".equals(
                    PG.primary().queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + c.processId())));
            reader.interrupt();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasMessageContaining("interrupted");
            assertThat(flag.get()).isTrue();
            // the sleep was cancelled: the next query answers long before pg_sleep(30) would end
            assertThat(await(c.query("SELECT 'next'")).row(0).get(0, String.class)).isEqualTo("next");
        } finally {
            await(c.close());
        }
    }

    /**
     * New user 7 F2: {@code join()} on a pgconn future inside a callback pgconn runs (on the event loop) used to
     * wait forever for an answer only that loop reads, freezing every connection on the loop. It is refused at
     * once, naming {@code thenCompose}; the loop's other connections go on. The same for a simple query's and a
     * transaction command's future.
     */
    @Test
    void joiningAPgconnFutureInsideACallbackIsRefusedAndTheLoopsOtherConnectionsGoOn() {
        // one event loop for both connections: a blocked loop would stop the second one's query too
        try (PgConnectionFactory oneLoop = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build()) {
            PgConnection c = await(oneLoop.connect(config()));
            PgConnection other = await(oneLoop.connect(config()));
            List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>>> waits = List.of(
                    () -> c.query("SELECT 2"), () -> c.simpleQuery("SELECT 2"), () -> c.begin());
            for (var wait : waits) {
                Throwable refused = Connect.failure(c.statement("SELECT 1").map(row -> wait.get().join()));
                assertThat(refused).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("event loop thread").hasMessageContaining("thenCompose");
                assertThat(await(other.query("SELECT 4")).row(0).getInt(0)).isEqualTo(4);
            }
            await(c.rollback());
            assertThat(await(c.query("SELECT 3")).row(0).getInt(0)).isEqualTo(3);
            await(c.close());
            await(other.close());
        }
    }

    /**
     * REVIEW-11: the refusal covered the statement futures only. A connect's future joined inside a callback pgconn
     * runs waited for ever: the connect runs on the caller's own loop (ConnectLoops), which the join blocks — its
     * connectTimeout timer too — freezing every connection on the loop. So did a connection's close().join() and
     * closeFuture().join() there: the close completes on the loop. They are refused as the statement futures are.
     */
    @Test
    void joiningAConnectOrACloseInsideACallbackIsRefusedAndTheLoopGoesOn() {
        try (PgConnectionFactory oneLoop = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build()) {
            PgConnection c = await(oneLoop.connect(config()));
            PgConnection other = await(oneLoop.connect(config()));
            List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>>> waits = List.of(
                    () -> oneLoop.connect(config()), other::closeFuture, other::close);
            List<java.util.concurrent.CompletableFuture<?>> started = new java.util.concurrent.CopyOnWriteArrayList<>();
            try {
                for (var wait : waits) {
                    Throwable refused = failureWithin(c.statement("SELECT 1").map(row -> {
                        java.util.concurrent.CompletableFuture<?> future = wait.get();
                        started.add(future);
                        return future.join();
                    }));
                    assertThat(refused).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("event loop thread").hasMessageContaining("thenCompose");
                }
                assertThat(await(c.query("SELECT 3")).row(0).getInt(0)).isEqualTo(3);
            } finally {
                // on a loop that waits for ever (before the fix): end the waits from here, so the factory can close
                started.forEach(f -> f.cancel(false));
                for (var f : started) {
                    if (f.isDone() && !f.isCompletedExceptionally() && f.getNow(null) instanceof PgConnection opened) {
                        opened.close();
                    }
                }
            }
            await(c.close());
        }
    }

    /** The failure of a future that must fail soon: an AssertionError naming the hang when it does not end within 5 s. */
    private static Throwable failureWithin(java.util.concurrent.CompletableFuture<?> future) {
        try {
            Object value = future.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the callback's wait did not end within 5 s: the event loop is blocked", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void waitingOnAnEventLoopIsRefused() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            // a map() mapper always runs on the connection's event loop (a future's thenApply may run on the caller)
            Throwable onLoop = io.pgconn.testing.Connect.failure(c.statement("SELECT 1").map(first -> {
                try (Stream<Row> rows = c.statement("SELECT 2").stream(8)) {
                    return rows.count();
                }
            }));
            assertThat(onLoop).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
            assertThat(await(c.query("SELECT 3")).row(0).getInt(0)).isEqualTo(3);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aPrefetchBelowOneIsRefused() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThatThrownBy(() -> c.statement("SELECT 1").stream(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefetch").hasMessageContaining("0");
        } finally {
            await(c.close());
        }
    }

    private static ConnConfig config() {
        return Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable extensionTypes=''");
    }
}
