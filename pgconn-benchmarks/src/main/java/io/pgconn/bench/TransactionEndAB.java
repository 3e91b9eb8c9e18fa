package io.pgconn.bench;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.query.TransactionOptions;
import io.pgconn.testkit.PgCluster;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A transaction as Spring's {@code R2dbcTransactionManager} makes one through pgconn-r2dbc — {@code BEGIN READ WRITE}
 * riding with the first statement ({@code beginWithFirstStatement}), one statement, {@code COMMIT} — on the core API,
 * A/B between two builds of pgconn-core in one run (session 32: the read-only reload's check on that path, docs/query.md
 * §5). One PostgreSQL server; each variant runs in its own JVM, the variants taking turns (A B, B A, ...).
 *
 * <pre>
 * java -cp CP io.pgconn.bench.TransactionEndAB run ROUNDS MEASURE_MS NAME=CLASSPATH NAME=CLASSPATH
 * </pre>
 *
 * A turn measures, on one connection ({@code target_session_attrs=read-write}), transactions one after the other, each
 * awaited: ns per transaction (two round trips) and bytes allocated per transaction by every thread.
 */
public final class TransactionEndAB {

    private static final TransactionOptions READ_WRITE = TransactionOptions.DEFAULT.readOnly(false);

    private TransactionEndAB() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("worker")) {
            worker(args[1], Long.parseLong(args[2]));
            return;
        }
        int rounds = Integer.parseInt(args[1]);
        String measureMs = args[2];
        List<String[]> builds = AbTurn.builds(args, 3);
        try (PgCluster cluster = AbTurn.trustServer("txab")) {
            String config = "host=127.0.0.1 port=" + cluster.primary().port() + " user=" + BenchServers.TRUST_USER
                    + " dbname=" + cluster.primary().database() + " sslmode=disable extensionTypes=''"
                    + " target_session_attrs=read-write";
            System.out.println("variant | transactions/s | ns/transaction | bytes/transaction");
            AbTurn.alternate(TransactionEndAB.class, rounds, builds, "worker", config, measureMs);
        }
    }

    private static void worker(String config, long measureMs) {
        try (PgConnectionFactory factory = PgConnectionFactory.create(ConnConfig.parse(config, EnvironmentSource.of(Map.of())))) {
            PgConnection connection = factory.connect().join();
            long warmUntil = System.nanoTime() + 2 * measureMs * 1_000_000L;
            while (System.nanoTime() < warmUntil) {
                transaction(connection);
            }
            long transactions = 0;
            long bytes = -Measure.allocatedBytes();
            long start = System.nanoTime();
            long end = start + measureMs * 1_000_000L;
            long now;
            do {
                transaction(connection);
                transactions++;
                now = System.nanoTime();
            } while (now < end);
            bytes += Measure.allocatedBytes();
            connection.close().join();
            System.out.println(String.format(Locale.ROOT, "%.0f | %.0f | %.0f", transactions * 1e9 / (now - start),
                    (double) (now - start) / transactions, (double) bytes / transactions));
        }
    }

    private static void transaction(PgConnection connection) {
        connection.beginWithFirstStatement(READ_WRITE).join();
        connection.query("SELECT 1").join();
        connection.commit().join();
    }
}
