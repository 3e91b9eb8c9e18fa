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
    HEAP_PER_IDLE("heap retained per idle open connection", Target.TRUST);

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
        return this != IN_FLIGHT_8 && this != HEAP_PER_IDLE;
    }
}
