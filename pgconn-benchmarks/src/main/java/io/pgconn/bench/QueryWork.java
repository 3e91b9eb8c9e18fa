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
 *       calling {@code midway} once, at row 50,000, where the worker measures the live heap.</li>
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
        server.execute("GRANT SELECT, INSERT ON bench_pk, bench_wide, bench_insert, " + SpringDataWork.TABLE + " TO PUBLIC");
        server.execute("GRANT USAGE ON SEQUENCE " + SpringDataWork.TABLE + "_id_seq TO PUBLIC");
        server.execute("VACUUM ANALYZE");
    }
}
