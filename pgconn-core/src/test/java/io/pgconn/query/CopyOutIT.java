package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COPY ... TO STDOUT through {@code PgConnection.copyOut} against a real server (docs/query.md §6): 100,000 rows as
 * one chunk each; a binary export copied back in; a subscriber without demand stops the reading, so the server waits
 * on its socket and the heap stays flat; a cancelled subscription stops the server's work and the connection goes on;
 * a server error comes after the rows before it; requests made meanwhile run after the copy.
 */
class CopyOutIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static PgConnection connect() {
        return QueryCluster.connect(PG, FACTORY, "");
    }

    @Test
    void aHundredThousandRowsComeOutOneChunkEach() {
        PgConnection c = connect();
        try {
            CopyCollector out = new CopyCollector(true, 0);
            c.copyOut("COPY (SELECT g, 'name-' || g FROM generate_series(1, 100000) g) TO STDOUT").subscribe(out);
            out.request(Long.MAX_VALUE);
            await(out.done);
            assertThat(out.chunks.get()).isEqualTo(100_000L);
            String[] lines = out.text().split("\n");
            assertThat(lines).hasSize(100_000);
            assertThat(lines[0]).isEqualTo("1\tname-1");
            assertThat(lines[99_999]).isEqualTo("100000\tname-100000");
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aBinaryExportCopiedBackInGivesTheSameRows() {
        PgConnection c = connect();
        try {
            await(c.simpleQuery("DROP TABLE IF EXISTS copy_round; CREATE TABLE copy_round (id int, t text, d numeric, at timestamptz)"));
            ByteArrayOutputStream exported = new ByteArrayOutputStream();
            long rows;
            try {
                rows = PgCopyStreams.copyOut(c, "COPY (SELECT g, 'row ' || g, g / 7.0, timestamptz '2026-01-01' + g * interval '1 minute'"
                        + " FROM generate_series(1, 20000) g) TO STDOUT (FORMAT binary)", exported);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(rows).isEqualTo(20_000L);
            assertThat(await(c.copyIn("COPY copy_round FROM STDIN (FORMAT binary)", exported.toByteArray()))).isEqualTo(20_000L);
            assertThat(await(c.query("SELECT count(*) FROM copy_round WHERE t = 'row ' || id AND d = id / 7.0"
                    + " AND at = timestamptz '2026-01-01' + id * interval '1 minute'")).single(Long.class)).isEqualTo(20_000L);
        } finally {
            await(c.close());
        }
    }

    @Test
    void withoutDemandTheServerWaitsOnItsSocketAndTheHeapStaysFlat() {
        PgConnection c = connect();
        PgConnection watcher = connect();
        try {
            long before = usedHeapAfterGc();
            CopyCollector out = new CopyCollector(false, 0);
            // about 230 MB of output
            c.copyOut("COPY (SELECT g, repeat('x', 220) FROM generate_series(1, 1000000) g) TO STDOUT").subscribe(out);
            out.request(1);
            awaitCondition("the server blocked writing to the client", () -> "ClientWrite".equals(await(watcher.query(
                    "SELECT wait_event FROM pg_stat_activity WHERE pid = $1", c.processId())).single(String.class)));
            assertThat(out.chunks.get()).isEqualTo(1L);
            long held = usedHeapAfterGc() - before;
            assertThat(held).as("heap held while the subscriber asks for nothing").isLessThan(32L << 20);
            out.request(Long.MAX_VALUE);
            await(out.done);
            assertThat(out.chunks.get()).isEqualTo(1_000_000L);
            assertThat(out.bytes.get()).isGreaterThan(220_000_000L);
        } finally {
            await(watcher.close());
            await(c.close());
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void aCancelledSubscriptionStopsTheServersWorkAndTheConnectionGoesOn() {
        PgConnection c = connect();
        try {
            CopyCollector out = new CopyCollector(false, 1);
            c.copyOut("COPY (SELECT generate_series(1, 2000000000)) TO STDOUT").subscribe(out); // hours of rows
            out.request(1);
            awaitCondition("rows arriving (a set-returning function in the select list streams its rows)", () -> out.chunks.get() > 1_000);
            out.cancel();
            assertThat(await(c.query("SELECT $1::int", 5)).single(Integer.class)).isEqualTo(5);
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
            assertThat(out.done).as("a cancelled subscriber hears nothing more").isNotDone();
        } finally {
            await(c.close());
        }
    }

    /** REVIEW-20 Y1: a subscriber that throws from onNext is treated as cancelled (Reactive Streams §2.13), the session goes on. */
    @Test
    void aSubscriberThatThrowsIsCancelledAndTheConnectionGoesOn() {
        PgConnection c = connect();
        try {
            java.util.concurrent.atomic.AtomicLong got = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            c.copyOut("COPY (SELECT generate_series(1, 2000000000)) TO STDOUT").subscribe(new java.util.concurrent.Flow.Subscriber<>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(java.nio.ByteBuffer chunk) {
                    if (got.incrementAndGet() == 3) {
                        throw new IllegalStateException("the subscriber's own bug");
                    }
                }

                @Override
                public void onError(Throwable t) {
                    ended.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    ended.complete(null);
                }
            });
            assertThat(await(c.query("SELECT $1::int", 9)).single(Integer.class)).isEqualTo(9);
            assertThat(c.isClosed()).isFalse();
            assertThat(got.get()).isEqualTo(3L);
            assertThat(ended).as("a subscriber treated as cancelled hears nothing more").isNotDone();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aServerErrorComesAfterTheRowsBeforeItAndTheConnectionGoesOn() {
        PgConnection c = connect();
        try {
            CopyCollector out = new CopyCollector(true, 0);
            c.copyOut("COPY (SELECT 100 / (10 - g) FROM generate_series(1, 20) g) TO STDOUT").subscribe(out);
            CompletableFuture<RowSet> after = c.query("SELECT $1::int", 3);
            out.request(Long.MAX_VALUE);
            Throwable error = failure(out.done);
            assertThat(error).isInstanceOf(PgServerException.class);
            assertThat(((PgException) error).sqlState()).contains("22012");
            assertThat(out.text()).startsWith("11\n12\n"); // rows before the error
            assertThat(await(after).single(Integer.class)).isEqualTo(3);
        } finally {
            await(c.close());
        }
    }

    @Test
    void requestsMadeDuringACopyOutRunAfterItInOrderAndAnOutputStreamsFailureCancelsIt() {
        PgConnection c = connect();
        try {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CopyCollector out = new CopyCollector(false, 0);
            c.copyOut("COPY (SELECT g FROM generate_series(1, 50000) g) TO STDOUT").subscribe(out);
            out.done.whenComplete((v, e) -> order.add("copy"));
            CompletableFuture<RowSet> next = c.query("SELECT 1").whenComplete((r, e) -> order.add("query"));
            out.request(10);
            awaitCondition("ten rows", () -> out.chunks.get() == 10);
            assertThat(next).isNotDone();
            out.request(Long.MAX_VALUE);
            await(next);
            assertThat(order).containsExactly("copy", "query");

            IOException full = new IOException("disk full");
            OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw full;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw full;
                }
            };
            assertThatThrownBy(() -> PgCopyStreams.copyOut(c, "COPY (SELECT generate_series(1, 2000000000)) TO STDOUT", failing))
                    .isSameAs(full);
            assertThat(await(c.query("SELECT 2")).single(Integer.class)).isEqualTo(2);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementThatIsNoCopyToStdoutIsSignalledAsAnErrorAndTheConnectionGoesOn() {
        PgConnection c = connect();
        try {
            await(c.simpleQuery("DROP TABLE IF EXISTS copy_dir; CREATE TABLE copy_dir (n int)"));
            CopyCollector select = new CopyCollector(false, 0);
            c.copyOut("SELECT 1").subscribe(select);
            select.request(1);
            assertThat(failure(select.done)).isInstanceOf(PgException.class).hasMessageContaining("no COPY");
            CopyCollector in = new CopyCollector(false, 0);
            c.copyOut("COPY copy_dir FROM STDIN").subscribe(in);
            in.request(1);
            assertThat(failure(in.done)).isInstanceOf(PgException.class).hasMessageContaining("started COPY FROM STDIN");
            assertThat(await(c.query("SELECT count(*) FROM copy_dir")).single(Long.class)).isZero();
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try {
                assertThat(PgCopyStreams.copyOut(c, "COPY (VALUES (1), (2)) TO STDOUT", sink)).isEqualTo(2L);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("1\n2\n");
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-20 Y2: the blocking stream forms left {@code PgConnection} for {@link PgCopyStreams}; on an event loop (a
     * copy's {@code onNext}, which runs there) they are refused with an error naming the method and the way out.
     */
    @Test
    void theStreamFormsAreRefusedOnAnEventLoopWithAClearError() {
        PgConnection c = connect();
        try {
            Throwable out = onTheEventLoop(c, () -> PgCopyStreams.copyOut(c, "COPY (VALUES (1)) TO STDOUT", new ByteArrayOutputStream()));
            assertThat(out).isInstanceOf(IllegalStateException.class).hasMessageContaining("PgCopyStreams.copyOut")
                    .hasMessageContaining("event loop").hasMessageContaining("copyOut(String)");
            Throwable in = onTheEventLoop(c, () -> PgCopyStreams.copyIn(c, "COPY copy_nowhere FROM STDIN",
                    new java.io.ByteArrayInputStream(new byte[0])));
            assertThat(in).isInstanceOf(IllegalStateException.class).hasMessageContaining("PgCopyStreams.copyIn")
                    .hasMessageContaining("event loop").hasMessageContaining("copyIn(String, Flow.Publisher)");
            assertThat(await(c.query("SELECT 2")).single(Integer.class)).isEqualTo(2);
        } finally {
            await(c.close());
        }
    }

    /** What {@code work} threw when run on {@code c}'s event loop (in a copy's {@code onNext}), or null. */
    private static Throwable onTheEventLoop(PgConnection c, java.util.concurrent.Callable<?> work) {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        c.copyOut("COPY (VALUES (1)) TO STDOUT").subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(java.nio.ByteBuffer chunk) {
                try {
                    work.call();
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                thrown.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
            }
        });
        return await(thrown);
    }
}
