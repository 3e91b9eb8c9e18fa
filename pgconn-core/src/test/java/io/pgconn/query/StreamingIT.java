package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming with demand: a million rows read 256 at a time keep the heap flat (the server is held
 * back, not the rows buffered), and cancelling a subscription stops the server's work. The time of
 * both demand strategies is the benchmark module's question ({@code Probes demand}), not a test's.
 */
class StreamingIT {

    private static final int ROWS = 1_000_000;
    private static final int DEMAND = 256;
    private static final String MILLION = "SELECT g, repeat('x', 100) AS pad FROM generate_series(1, " + ROWS + ") g";
    /** What a million rows of ~110 bytes would cost on the heap if they were buffered: well over 150 MB. */
    private static final long HEAP_GROWTH_LIMIT = 32L << 20;

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @ParameterizedTest(name = "fetchSize={0}")
    @ValueSource(ints = {0, 256})
    void aMillionRowsWithDemand256KeepTheHeapFlat(int fetchSize) throws Exception {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long baseline = usedAfterGc(memory);
            Semaphore batches = new Semaphore(0);
            // a consumer on another thread that asks for 256 rows, waits for them, then asks again
            TestSubscriber[] self = new TestSubscriber[1];
            self[0] = new TestSubscriber(row -> {
                long n = self[0].rows.get();
                if (n % DEMAND == 0 || n == ROWS) {
                    batches.release();
                }
            });
            TestSubscriber consumer = self[0];
            c.statement(MILLION).fetchSize(fetchSize).execute().subscribe(consumer);
            consumer.request(DEMAND + 1); // the RowMetadata segment comes first
            assertThat(batches.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            // with no demand the server is held back: it blocks writing to us (or waits for the next Execute)
            String waitEvent = fetchSize == 0 ? "ClientWrite" : "ClientRead";
            Conditions.awaitCondition("backend " + c.processId() + " waiting on " + waitEvent, Duration.ofSeconds(30),
                    () -> waitEvent.equals(PG.primary().queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(consumer.rows.get()).isEqualTo(DEMAND);
            long maxGrowth = usedAfterGc(memory) - baseline;
            while (consumer.rows.get() < ROWS) {
                consumer.request(DEMAND);
                assertThat(batches.tryAcquire(30, TimeUnit.SECONDS)).as("a batch of %s rows after %s", DEMAND, consumer.rows.get()).isTrue();
                if (consumer.rows.get() % 131_072 == 0) {
                    maxGrowth = Math.max(maxGrowth, usedAfterGc(memory) - baseline);
                }
            }
            consumer.request(1); // the CommandResult
            await(consumer.done);
            assertThat(consumer.rows.get()).isEqualTo(ROWS);
            assertThat(consumer.lastResult.get().commandTag()).isEqualTo("SELECT " + ROWS);
            assertThat(maxGrowth).as("heap growth while streaming").isLessThan(HEAP_GROWTH_LIMIT);
            assertThat(await(c.query("SELECT 1")).single(Integer.class)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }

    @ParameterizedTest(name = "fetchSize={0}")
    @ValueSource(ints = {0, 50})
    void cancellingTheSubscriptionStopsTheServerAndKeepsTheConnection(int fetchSize) {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            // about 100 s of work if nothing stops it: a millisecond per row
            TestSubscriber subscriber = new TestSubscriber(row -> { });
            c.statement("SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) g").fetchSize(fetchSize).execute().subscribe(subscriber);
            subscriber.request(11); // RowMetadata, then 10 rows
            Conditions.awaitCondition("10 rows", Duration.ofSeconds(30), () -> subscriber.rows.get() == 10);
            subscriber.cancel();
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
            assertThat(subscriber.rows.get()).isEqualTo(10);
            assertThat(subscriber.done).isNotDone(); // a cancelled subscription gets no further signal
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
