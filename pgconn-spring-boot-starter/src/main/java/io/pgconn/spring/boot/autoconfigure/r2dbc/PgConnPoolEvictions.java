package io.pgconn.spring.boot.autoconfigure.r2dbc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How many connections one pgconn R2DBC pool evicted as unusable since start, by reason:
 * {@code closed}, {@code role} (its server no longer satisfies {@code target_session_attrs}),
 * {@code host-down}, or {@code preferred-role} (a {@code prefer-standby} session on a primary, dropped
 * unlent while a standby is up; not unusable, but not where the factory puts reads), or {@code other-primary} (a
 * {@code read-write} session on another primary than the one new connects reach — a split brain —, dropped unlent). One count, read by both the {@code pg.conn.pool.evictions} meter and the
 * {@code pgConn} health, so the two always agree.
 */
public final class PgConnPoolEvictions implements PgConnPoolEvictionListener {

    /** Every reason {@code io.pgconn.r2dbc.PgConnPoolEviction} reports, in a stable order. */
    public static final List<String> REASONS = List.of("role", "host-down", "closed", "preferred-role", "other-primary");

    private final String poolName;

    private final Map<String, LongAdder> counts = REASONS.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), reason -> new LongAdder()));

    /** @param poolName the bean name of the pool counted, as the meters' {@code name} tag */
    public PgConnPoolEvictions(String poolName) {
        this.poolName = poolName;
    }

    public String poolName() {
        return this.poolName;
    }

    @Override
    public void evicted(String reason) {
        LongAdder count = this.counts.get(reason);
        if (count != null) { // a reason added to pgconn-r2dbc later is not counted rather than failing the pool
            count.increment();
        }
    }

    /** Evictions for {@code reason} since start; 0 for a reason not in {@link #REASONS}. */
    public long count(String reason) {
        LongAdder count = this.counts.get(reason);
        return count == null ? 0 : count.sum();
    }

    @Override
    public String toString() {
        return "PgConnPoolEvictions[" + this.poolName + "]";
    }
}
