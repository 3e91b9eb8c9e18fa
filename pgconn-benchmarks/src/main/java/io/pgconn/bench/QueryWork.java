package io.pgconn.bench;

import io.pgconn.testkit.PgServer;

import java.util.concurrent.CompletableFuture;

/**
 * The query-path work of one client on one open connection, the same statements for every client,
 * each client with its own best settings (server-side prepared statements cached, its streaming
 * mode, its pipelining):
 * <ul>
 *   <li>{@link #selectByPk}: {@value #PK_SQL} — one row, every column read;</li>
 *   <li>{@link #selectRows}: {@value #ROWS_SQL} — 1,000 rows × 10 columns of mixed types, every value
 *       decoded to its Java type;</li>
 *   <li>{@link #insertPipelined}: {@value #INSERT_SQL} {@code count} times, at most {@code inFlight}
 *       unanswered (a client that cannot pipeline runs them one after another);</li>
 *   <li>{@link #selectPkPipelined}: {@link #selectByPk}'s select {@code count} times, at most {@code inFlight}
 *       unanswered;</li>
 *   <li>{@link #streamRows}: {@value #STREAM_SQL} read as a stream with a demand (fetch size) of 256,
 *       calling {@code midway} once, at row 50,000, where the worker measures the live heap;</li>
 *   <li>{@link #copyIn}: {@value #COPY_IN_SQL} with {@link #copyData()}'s 100,000 rows, sent in chunks of
 *       {@value #COPY_CHUNK} bytes where the client takes chunks (its own best form otherwise, its settings line says
 *       which);</li>
 *   <li>{@link #copyOut}: {@value #COPY_OUT_SQL}, every row read and counted (clients without COPY do not run the
 *       COPY scenarios: {@link #copies}).</li>
 * </ul>
 */
interface QueryWork {

    int PK_ROWS = 10_000;
    int STREAM_TOTAL = 100_000;
    int STREAM_DEMAND = 256;
    String PK_SQL = "SELECT id, name, amount, created FROM bench_pk WHERE id = $1";
    String ROWS_SQL = "SELECT i4, i8, f8, num, txt, vc, flag, ts, d, u FROM bench_wide ORDER BY i4";
    String INSERT_SQL = "INSERT INTO bench_insert (k, v) VALUES ($1, $2)";
    String STREAM_SQL = "SELECT g, g::text || '-payload-of-some-length-0123456789' FROM generate_series(1, 100000) g";
    int COPY_ROWS = 100_000;
    /** Bytes per chunk of the COPY_IN data, for every client that sends chunks (libpq's PQputCopyData too). */
    int COPY_CHUNK = 65_536;
    String COPY_TABLE = "bench_copy_in";
    String COPY_IN_SQL = "COPY " + COPY_TABLE + " (id, name, v, at) FROM STDIN";
    String COPY_OUT_SQL = "COPY bench_copy_src (id, name, v, at) TO STDOUT";

    /** Reads the row with primary key {@code id}. */
    CompletableFuture<Void> selectByPk(Object connection, int id);

    /** Reads all 1,000 rows of bench_wide; answers the number of rows read. */
    CompletableFuture<Integer> selectRows(Object connection);

    /** {@code count} inserts, at most {@code inFlight} unanswered; completes when all are answered. */
    CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight);

    /**
     * {@code count} of {@link #selectByPk}'s selects (keys 1 .. {@value #PK_ROWS} in turn), at most {@code inFlight}
     * unanswered; completes when all are answered (the default: {@link Client#selectPkPipelined}).
     */
    CompletableFuture<Void> selectPkPipelined(Object connection, int count, int inFlight);

    /** Streams {@value #STREAM_SQL}, {@code midway} run once at row 50,000; answers the rows read. */
    CompletableFuture<Integer> streamRows(Object connection, Runnable midway);

    /** Whether this client runs a COPY scenario ({@link Scenario#copy()}): by default not (no COPY API). */
    default boolean copies(Scenario scenario) {
        return false;
    }

    /**
     * Runs {@value #COPY_IN_SQL} with {@code data} (text format); answers the row count the client reports. Only
     * called when {@link #copies} says so.
     */
    default CompletableFuture<Long> copyIn(Object connection, byte[] data) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no COPY FROM STDIN"));
    }

    /** Runs {@value #COPY_OUT_SQL}, reading every row; answers the rows read (one per CopyData message in text format). */
    default CompletableFuture<Long> copyOut(Object connection) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no COPY TO STDOUT"));
    }

    /**
     * The COPY_IN input: {@value #COPY_ROWS} rows of {@code (id int, name text, v numeric, at timestamptz)} in COPY's
     * text format, row g = {@code g, 'name-' || g, g * 1.25, '2026-01-01 00:00:00+00' + g seconds} — bench_copy_src's rows
     * as COPY TO STDOUT writes them in UTC. The native worker (libpq_worker.c, {@code copy_data}) builds the same bytes.
     */
    static byte[] copyData() {
        StringBuilder sb = new StringBuilder(COPY_ROWS * 48);
        for (int g = 1; g <= COPY_ROWS; g++) {
            int cents = g * 125;
            int s = g % 86_400;
            sb.append(g).append('\t').append("name-").append(g).append('\t').append(cents / 100).append('.')
                    .append(two(cents % 100)).append('\t').append("2026-01-").append(two(1 + g / 86_400)).append(' ')
                    .append(two(s / 3600)).append(':').append(two(s / 60 % 60)).append(':').append(two(s % 60)).append("+00\n");
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    /** Placeholders as the client writes them ({@code ?} for JDBC). */
    static String jdbc(String sql) {
        return sql.replaceAll("\\$[0-9]+", "?");
    }

    /** The tables, created once by the coordinator. */
    static void createTables(PgServer server) {
        server.execute("CREATE TABLE bench_pk (id int PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,"
                + " created timestamptz NOT NULL)");
        server.execute("INSERT INTO bench_pk SELECT g, 'customer-' || g, g * 1.25, now() - g * interval '1 minute'"
                + " FROM generate_series(1, " + PK_ROWS + ") g");
        server.execute("CREATE TABLE bench_wide (i4 int4, i8 int8, f8 float8, num numeric(14,4), txt text, vc varchar(40), flag bool,"
                + " ts timestamptz, d date, u uuid)");
        server.execute("INSERT INTO bench_wide SELECT g, g * 1000000007::int8, g / 7.0, g * 3.1415, 'row text number ' || g,"
                + " 'v' || g, g % 2 = 0, timestamptz '2026-01-01 00:00+00' + g * interval '1 second', date '2026-01-01' + g,"
                + " md5(g::text)::uuid FROM generate_series(1, 1000) g");
        server.execute("CREATE TABLE bench_insert (k int4 NOT NULL, v text NOT NULL)");
        // the Spring Data scenarios' entity table (SpringDataWork, BenchEntity): found by id, and grown by saves
        server.execute("CREATE TABLE " + SpringDataWork.TABLE + " (id bigserial PRIMARY KEY, name text NOT NULL,"
                + " amount numeric(12,2) NOT NULL, created timestamptz NOT NULL)");
        server.execute("INSERT INTO " + SpringDataWork.TABLE + " (name, amount, created) SELECT 'entity-' || g, g * 1.25,"
                + " now() - g * interval '1 minute' FROM generate_series(1, " + SpringDataWork.ROWS + ") g");
        // the COPY scenarios: COPY_IN's target (truncated before each copy) and COPY_OUT's source, copyData()'s rows
        server.execute("CREATE TABLE " + COPY_TABLE + " (id int, name text, v numeric, at timestamptz)");
        server.execute("CREATE TABLE bench_copy_src (id int, name text, v numeric, at timestamptz)");
        server.execute("INSERT INTO bench_copy_src SELECT g, 'name-' || g, g * 1.25, timestamptz '2026-01-01 00:00:00+00'"
                + " + g * interval '1 second' FROM generate_series(1, " + COPY_ROWS + ") g");
        server.execute("GRANT SELECT, INSERT, TRUNCATE ON " + COPY_TABLE + " TO PUBLIC");
        server.execute("GRANT SELECT ON bench_copy_src TO PUBLIC");
        server.execute("GRANT SELECT, INSERT ON bench_pk, bench_wide, bench_insert, " + SpringDataWork.TABLE + " TO PUBLIC");
        server.execute("GRANT UPDATE ON " + SpringDataWork.TABLE + " TO PUBLIC"); // DATA_TX's unit (TransactionalWork)
        server.execute("GRANT USAGE ON SEQUENCE " + SpringDataWork.TABLE + "_id_seq TO PUBLIC");
        server.execute("VACUUM ANALYZE");
    }
}
