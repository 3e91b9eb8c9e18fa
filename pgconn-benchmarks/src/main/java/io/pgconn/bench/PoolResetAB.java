package io.pgconn.bench;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.r2dbc.PgConnPools;
import io.pgconn.testkit.PgCluster;
import io.r2dbc.spi.Connection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A pooled borrow + release through a {@link PgConnPools} pool of one session on a real PostgreSQL 18, A/B between
 * builds of pgconn in one run (session 31: the reset on release run only after a lend that used the session, and the
 * lease's per-borrow cost after session 30's lend fence). Each variant runs in its own JVM, the variants taking turns
 * (A B, B A, ...), every turn a fresh JVM with its own warm-up; the borrows are chained on the pool's threads, as
 * {@link R2dbcReleaseAB}'s.
 *
 * <pre>
 * java -cp CP io.pgconn.bench.PoolResetAB run ROUNDS MEASURE_MS NAME=CLASSPATH NAME=CLASSPATH ...
 * </pre>
 *
 * A turn measures four cases, ns and bytes (every thread) per borrow + release: a lend that does nothing, without and
 * with {@code resetOnRelease(RESET ALL)}; a lend that runs {@code SELECT 1}, without and with it.
 */
public final class PoolResetAB {

    private static final Duration STEP = Duration.ofSeconds(30);

    private PoolResetAB() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("worker")) {
            worker(args[1], Long.parseLong(args[2]));
            return;
        }
        int rounds = Integer.parseInt(args[1]);
        String measureMs = args[2];
        List<String[]> builds = AbTurn.builds(args, 3);
        try (PgCluster cluster = AbTurn.trustServer("poolreset")) {
            String conninfo = "host=127.0.0.1 port=" + cluster.primary().port() + " dbname=" + cluster.primary().database()
                    + " user=" + BenchServers.TRUST_USER + " sslmode=disable extensionTypes=''";
            System.out.println("variant | nothing ns, B | nothing + reset ns, B | SELECT 1 ns, B | SELECT 1 + reset ns, B");
            AbTurn.alternate(PoolResetAB.class, rounds, builds, "worker", conninfo, measureMs);
        }
    }

    private static void worker(String conninfo, long measureMs) {
        Function<Connection, Mono<Integer>> nothing = c -> Mono.just(1);
        Function<Connection, Mono<Integer>> selectOne = c -> Flux.from(c.createStatement("SELECT 1").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))).last();
        try (PgConnectionFactory pg = PgConnectionFactory.create(ConnConfig.parse(conninfo, EnvironmentSource.of(Map.of())))) {
            PgConnConnectionPool plain = pool(pg, null);
            PgConnConnectionPool resetting = pool(pg, PgConnPools.RESET_ALL);
            List<String> cells = new ArrayList<>();
            long warmUntil = System.nanoTime() + 2 * measureMs * 1_000_000L;
            while (System.nanoTime() < warmUntil) {
                borrows(plain, nothing, 500);
                borrows(resetting, nothing, 500);
                borrows(plain, selectOne, 500);
                borrows(resetting, selectOne, 500);
            }
            cells.add(measure(plain, nothing, measureMs));
            cells.add(measure(resetting, nothing, measureMs));
            cells.add(measure(plain, selectOne, measureMs));
            cells.add(measure(resetting, selectOne, measureMs));
            plain.disposeLater().block(STEP);
            if (resetting != null) {
                resetting.disposeLater().block(STEP);
            }
            System.out.println(String.join(" | ", cells));
        }
    }

    /** A pool of one session; null when {@code reset} is asked of a build without a reset on release (before session 30). */
    private static PgConnConnectionPool pool(PgConnectionFactory pg, String reset) {
        PgConnPools.Builder builder = PgConnPools.over(pg).initialSize(1).maxSize(1).maxAcquireTime(STEP);
        if (reset != null) {
            try {
                builder.resetOnRelease(reset);
            } catch (NoSuchMethodError olderBuild) {
                return null;
            }
        }
        PgConnConnectionPool pool = builder.build();
        pool.warmup().block(STEP);
        return pool;
    }

    private static String measure(PgConnConnectionPool pool, Function<Connection, Mono<Integer>> work, long measureMs) {
        if (pool == null) {
            return "-";
        }
        long borrows = 0;
        long bytes = -Measure.allocatedBytes();
        long start = System.nanoTime();
        long end = start + measureMs * 1_000_000L;
        long now;
        do {
            borrows += borrows(pool, work, 500);
            now = System.nanoTime();
        } while (now < end);
        bytes += Measure.allocatedBytes();
        return String.format(Locale.ROOT, "%.0f, %d", (double) (now - start) / borrows, bytes / borrows);
    }

    private static long borrows(PgConnConnectionPool pool, Function<Connection, Mono<Integer>> work, int times) {
        if (pool == null) {
            return 0;
        }
        return Flux.range(0, times).concatMap(i -> Mono.usingWhen(pool.create(), work, Connection::close)).count().block(STEP);
    }
}
