package io.pgconn.bench;

/** The rows of the results table, in order. */
enum Scenario {
    TRUST("connect, trust", Target.TRUST),
    SCRAM("connect, SCRAM", Target.SCRAM),
    SCRAM_REQUIRE("connect, SCRAM + sslmode=require", Target.SCRAM_REQUIRE),
    SCRAM_VERIFY_FULL("connect, SCRAM + verify-full", Target.SCRAM_VERIFY_FULL),
    FAILOVER_FIRST("failover connect, first (refused, standby, primary)", Target.FAILOVER),
    FAILOVER_REPEAT("failover connect, repeat", Target.FAILOVER),
    /** A direct trust connect to the primary, timed in the same rounds as FAILOVER_REPEAT (its yardstick). */
    FAILOVER_DIRECT("direct connect to the primary (in the failover-repeat rounds)", Target.TRUST),
    CLOSE("close() (trust connection)", Target.TRUST),
    IN_FLIGHT_8("8 connects in flight, trust (connect + SELECT 1 + close)", Target.TRUST),
    SELECT_ONE("SELECT 1 round trip, open connection", Target.TRUST),
    HEAP_PER_IDLE("heap retained per idle open connection", Target.TRUST),
    QUERY_PK("one-row select by primary key, int parameter, open connection", Target.TRUST),
    /**
     * The same selects, each issued from the previous one's completion: an asynchronous client's own
     * idiom (a reactive chain), so no caller thread is parked and woken per round trip. Blocking
     * clients run their loop as in QUERY_PK, which is already their idiom.
     */
    QUERY_PK_CHAINED("one-row select by primary key, each issued from the previous one's completion (async: on the client's event loop)",
            Target.TRUST),
    QUERY_ROWS("1,000 rows x 10 columns (mixed types) read, open connection", Target.TRUST),
    PIPELINED_INSERTS("inserts with parameters, 256 in flight on one connection", Target.TRUST),
    STREAM_ROWS("100,000-row streamed read: live heap in the middle of the stream", Target.TRUST),
    /**
     * COPY FROM STDIN of the same 100,000 text-format rows ({@link QueryWork#copyData()}) into a table truncated before
     * each copy (outside the timed part, as is the row count checked after it): rows/s and bytes allocated per row.
     */
    COPY_IN("COPY FROM STDIN, 100,000 rows (text format) into a truncated table", Target.TRUST),
    /** COPY TO STDOUT of the same 100,000 rows from a table, every row read (counted by the client): rows/s, bytes allocated per row. */
    COPY_OUT("COPY TO STDOUT, 100,000 rows (text format)", Target.TRUST),
    /**
     * Cheap statements pipelined at a shallow depth: the primary-key select of QUERY_PK, 64, 128 or 256
     * in flight on one connection (pgjdbc: its loop). Where pgconn's read coalescing ({@code ReadPauses})
     * could idle the server: a pause longer than the work still queued. Not in the default list.
     */
    PIPELINED_PK_64("one-row selects by primary key, 64 in flight on one connection", Target.TRUST),
    PIPELINED_PK_128("one-row selects by primary key, 128 in flight on one connection", Target.TRUST),
    PIPELINED_PK_256("one-row selects by primary key, 256 in flight on one connection", Target.TRUST),
    DATA_FIND_BY_ID_ONE("Spring Data R2DBC findById, one request in flight, r2dbc-pool of 16", Target.TRUST),
    DATA_FIND_BY_ID("Spring Data R2DBC findById, 16 concurrent requests, r2dbc-pool of 16", Target.TRUST),
    DATA_SAVE("Spring Data R2DBC save (insert), 16 concurrent requests, r2dbc-pool of 16", Target.TRUST),
    /**
     * A {@code @Transactional}-style unit of three statements ({@link TransactionalWork}): select by id, update,
     * select, in one transaction through Spring's transaction management, 16 concurrent, a pool of 16. The R2DBC
     * drivers through {@code TransactionalOperator}, pgjdbc ({@code pgjdbc-data}) through {@code TransactionTemplate}
     * on 16 request threads. Reported: units/s, p50 of a unit, client CPU and bytes allocated per unit.
     */
    DATA_TX("Spring transaction: select by id + update + select, 16 concurrent units, pool of 16", Target.TRUST);

    private final String title;
    private final Target target;

    Scenario(String title, Target target) {
        this.title = title;
        this.target = target;
    }

    String title() {
        return title;
    }

    Target target() {
        return target;
    }

    /** Scenarios whose numbers are latencies (p50/p90/p99 in ms). */
    boolean latency() {
        return this != IN_FLIGHT_8 && this != HEAP_PER_IDLE && !pipelined() && this != STREAM_ROWS && !copy();
    }

    /** The pipelined scenarios: statements/s with many in flight on one connection. */
    boolean pipelined() {
        return this == PIPELINED_INSERTS || pipelineDepth() > 0;
    }

    /** The COPY scenarios: rows/s of whole 100,000-row copies and bytes allocated per row. */
    boolean copy() {
        return this == COPY_IN || this == COPY_OUT;
    }

    /** Statements in flight of a PIPELINED_PK_* scenario (0 for any other). */
    int pipelineDepth() {
        return switch (this) {
            case PIPELINED_PK_64 -> 64;
            case PIPELINED_PK_128 -> 128;
            case PIPELINED_PK_256 -> 256;
            default -> 0;
        };
    }

    /** The query-path scenarios: on an open connection, each client with its own best settings (see QueryWork). */
    boolean query() {
        return this == QUERY_PK || this == QUERY_PK_CHAINED || this == QUERY_ROWS || pipelined() || this == STREAM_ROWS || copy();
    }

    /** The servers a scenario runs against (both started by BenchServers with the same settings). */
    enum Topology {
        PRIMARY_WITH_STANDBY("primary + 1 hot standby streaming from it"),
        PRIMARY_ONLY("a primary without a standby");

        private final String description;

        Topology(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /**
     * The query scenarios run against a primary without a standby: the standby's WAL receive and replay
     * would share this machine's two cores with the backend and the client (≈ 0.85 core during inserts,
     * results/2026-12-04-session6-pipe.md §2.1), which on a real cluster is another machine's work.
     * Everything else keeps the primary + standby: failover needs the standby, and the other connect
     * scenarios write no WAL (measured: 0 bytes, and no CPU in walsender/walreceiver/startup, over 4,406
     * connects), so the standby idles there; they stay on the server their history and the repeat
     * failover's direct-connect yardstick were measured on. The Spring Data scenarios (issue 14) stay too,
     * until their targets are re-read on the other server.
     */
    Topology topology() {
        return query() ? Topology.PRIMARY_ONLY : Topology.PRIMARY_WITH_STANDBY;
    }

    /**
     * The Spring Data scenarios: run only by the {@code *-data} clients (a repository over an r2dbc-pool, see
     * SpringDataClient; {@code pgjdbc-data}, JdbcDataClient, {@link #DATA_TX} only), which run nothing else.
     */
    boolean springData() {
        return this == DATA_FIND_BY_ID_ONE || this == DATA_FIND_BY_ID || this == DATA_SAVE || this == DATA_TX;
    }
}
