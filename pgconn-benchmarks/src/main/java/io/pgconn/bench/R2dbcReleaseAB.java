package io.pgconn.bench;

import io.pgconn.testkit.PgCluster;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * pgconn-r2dbc's read path and pool release, A/B between two builds of the driver in one run (session 14: the
 * read cut-off's per-row check and {@code preRelease()}). One PostgreSQL server; each variant runs in its own
 * JVM, the variants taking turns (A B, B A, ...), every turn a fresh JVM with its own warm-up.
 *
 * <pre>
 * java -cp CP io.pgconn.bench.R2dbcReleaseAB run ROUNDS MEASURE_MS NAME=CLASSPATH NAME=CLASSPATH
 * </pre>
 *
 * A turn measures, through an r2dbc-pool {@link ConnectionPool} of one connection: {@link QueryWork#ROWS_SQL}
 * (1,000 rows × 10 columns, every value read) per borrow — rows/s and bytes allocated per row by every thread;
 * then borrow + release with nothing done — ns per borrow/release, chained on the pool's threads.
 */
public final class R2dbcReleaseAB {

    private R2dbcReleaseAB() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("worker")) {
            worker(args[1], Long.parseLong(args[2]));
            return;
        }
        int rounds = Integer.parseInt(args[1]);
        String measureMs = args[2];
        List<String[]> builds = AbTurn.builds(args, 3);
        try (PgCluster cluster = AbTurn.trustServer("r2ab")) {
            QueryWork.createTables(cluster.primary());
            String url = "r2dbc:pgconn://" + BenchServers.TRUST_USER + "@127.0.0.1:" + cluster.primary().port() + "/"
                    + cluster.primary().database() + "?sslmode=disable";
            System.out.println("variant | rows/s | bytes/row | borrow+release ns");
            AbTurn.alternate(R2dbcReleaseAB.class, rounds, builds, "worker", url, measureMs);
        }
    }

    private static void worker(String url, long measureMs) {
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(url))
                .initialSize(1).maxSize(1).build());
        pool.warmup().block(Duration.ofSeconds(30));
        long warmUntil = System.nanoTime() + 2 * measureMs * 1_000_000L;
        while (System.nanoTime() < warmUntil) {
            readRows(pool);
            borrowAndRelease(pool, 2_000);
        }
        long rows = 0;
        long bytes = -Measure.allocatedBytes();
        long start = System.nanoTime();
        long end = start + measureMs * 1_000_000L;
        long now;
        do {
            rows += readRows(pool);
            now = System.nanoTime();
        } while (now < end);
        bytes += Measure.allocatedBytes();
        double rowsPerSecond = rows * 1e9 / (now - start);
        long releases = 0;
        start = System.nanoTime();
        end = start + measureMs * 1_000_000L;
        do {
            releases += borrowAndRelease(pool, 2_000);
            now = System.nanoTime();
        } while (now < end);
        double releaseNs = (double) (now - start) / releases;
        pool.dispose();
        System.out.println(String.format(Locale.ROOT, "%.0f | %.1f | %.0f", rowsPerSecond, (double) bytes / rows, releaseNs));
    }

    private static long readRows(ConnectionPool pool) {
        return Mono.usingWhen(pool.create(), c -> Flux.from(c.createStatement(QueryWork.ROWS_SQL).execute())
                .flatMap(result -> result.map((row, metadata) -> {
                    int present = 0;
                    for (int i = 0; i < 10; i++) {
                        present += row.get(i) == null ? 0 : 1;
                    }
                    return present;
                })).count(), Connection::close).block();
    }

    private static long borrowAndRelease(ConnectionPool pool, int times) {
        return Flux.range(0, times).concatMap(i -> Mono.usingWhen(pool.create(), c -> Mono.just(1), Connection::close))
                .count().block();
    }
}
