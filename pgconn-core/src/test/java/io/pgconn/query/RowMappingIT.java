package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.Conditions;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PgStatement#map}: rows mapped as they arrive (before the statement ends), in order, over
 * every parameter set and every page of a fetch size; a mapper that throws fails only its statement.
 */
class RowMappingIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @ParameterizedTest(name = "fetchSize={0}")
    @ValueSource(ints = {0, 100})
    void mapsEveryRowInOrder(int fetchSize) {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<String> mapped = await(c.statement("SELECT g, 'row ' || g AS label FROM generate_series(1, 1000) g ORDER BY g")
                    .fetchSize(fetchSize)
                    .map(row -> row.getInt(0) + ":" + row.get("label", String.class)));
            assertThat(mapped).hasSize(1000);
            assertThat(mapped).containsExactlyElementsOf(IntStream.rangeClosed(1, 1000).mapToObj(g -> g + ":row " + g).toList());
        } finally {
            await(c.close());
        }
    }

    @Test
    void mapsTheRowsOfEveryParameterSetInOrderAndKeepsNulls() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            List<Integer> mapped = await(c.statement("SELECT g FROM generate_series(1, $1::int) g ORDER BY g")
                    .bind(0, 2).add()
                    .bind(0, 3)
                    .map(row -> row.getInt(0) == 2 ? null : row.getInt(0)));
            assertThat(mapped).containsExactly(1, null, 1, null, 3);
            assertThat(await(c.statement("SELECT 1 WHERE false").map(row -> row.getInt(0)))).isEmpty();
        } finally {
            await(c.close());
        }
    }

    @Test
    void aStatementThatCannotBeSentFailsTheFutureAndANullMapperIsRefused() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            assertThat(failure(c.statement("SELECT $1::int + $2::int").bind(1, 2).map(row -> row.getInt(0))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("parameter $1 is not bound");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.statement("SELECT 1").map(null))
                    .isInstanceOf(NullPointerException.class);
            assertThat(await(c.statement("SELECT 1").map(row -> row.getInt(0)))).containsExactly(1);
        } finally {
            await(c.close());
        }
    }

    @Test
    void mapsRowsWhileTheServerIsStillSending() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        PgConnection locker = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(locker.query("SELECT pg_advisory_lock(4711)"));
            AtomicInteger seen = new AtomicInteger();
            // 2,000 rows of ~100 bytes (well past the server's 8 kB send buffer), then a last one that waits for the lock
            CompletableFuture<List<Integer>> result = c.statement("SELECT g, CASE WHEN g <= 2000 THEN repeat('x', 100)"
                    + " ELSE pg_advisory_lock(4711)::text END FROM generate_series(1, 2001) g")
                    .map(row -> {
                        seen.incrementAndGet();
                        return row.getInt(0);
                    });
            Conditions.awaitCondition("rows mapped while the last one waits for the lock", Duration.ofSeconds(30), () -> seen.get() > 0);
            assertThat(result).isNotDone();
            await(locker.query("SELECT pg_advisory_unlock(4711)"));
            assertThat(await(result)).hasSize(2001).startsWith(1, 2, 3).endsWith(2001);
        } finally {
            await(locker.close());
            await(c.close());
        }
    }

    @ParameterizedTest(name = "fetchSize={0}")
    @ValueSource(ints = {0, 50})
    void aThrowingMapperFailsItsStatementAndTheConnectionStaysUsable(int fetchSize) {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            IllegalStateException boom = new IllegalStateException("mapper refused row 10");
            AtomicInteger calls = new AtomicInteger();
            // about 100 s of work if the failure did not stop it: a millisecond per row
            CompletableFuture<List<Integer>> result = c.statement("SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) g")
                    .fetchSize(fetchSize)
                    .map(row -> {
                        if (calls.incrementAndGet() == 10) {
                            throw boom;
                        }
                        return row.getInt(0);
                    });
            assertThat(failure(result)).isSameAs(boom);
            // nothing was pipelined behind it, so the server was told to stop (a CancelRequest, or the portal closed)
            assertThat(await(c.query("SELECT $1::int", 7)).single(Integer.class)).isEqualTo(7);
            assertThat(calls.get()).isEqualTo(10);
            assertThat(await(c.statement("SELECT g FROM generate_series(1, 3) g").map(row -> row.getInt(0)))).containsExactly(1, 2, 3);
            Conditions.awaitCondition("backend " + c.processId() + " idle", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancellingTheFutureStopsTheStatement() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<List<Integer>> result = c.statement("SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) g")
                    .map(row -> calls.incrementAndGet());
            Conditions.awaitCondition("rows mapped", Duration.ofSeconds(30), () -> calls.get() > 0);
            assertThat(result.cancel(true)).isTrue();
            Conditions.awaitCondition("backend " + c.processId() + " idle after the cancel", Duration.ofSeconds(10),
                    () -> "idle".equals(PG.primary().queryValue("SELECT state FROM pg_stat_activity WHERE pid = " + c.processId())));
            assertThat(await(c.query("SELECT $1::int", 8)).single(Integer.class)).isEqualTo(8);
        } finally {
            await(c.close());
        }
    }
}
