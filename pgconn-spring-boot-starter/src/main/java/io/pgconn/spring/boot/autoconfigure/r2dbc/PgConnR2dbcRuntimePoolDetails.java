package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.health.PgConnRuntimePoolDetails;
import io.r2dbc.pool.ConnectionPool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of an r2dbc-pool {@link ConnectionPool} registered with a runtime factory, from its own
 * {@code PoolMetrics} (those of Boot's {@code r2dbc.pool.*} meters): {@code acquired}, {@code idle}, {@code pending},
 * {@code allocated}, {@code max}.
 */
public final class PgConnR2dbcRuntimePoolDetails implements PgConnRuntimePoolDetails {

    @Override
    public Map<String, Object> of(Object candidate) {
        Map<String, Object> details = new LinkedHashMap<>();
        ConnectionPool pool = PgConnPoolGaugesBinder.pool(candidate);
        if (pool != null) {
            pool.getMetrics().ifPresent(metrics -> {
                details.put("acquired", metrics.acquiredSize());
                details.put("idle", metrics.idleSize());
                details.put("pending", metrics.pendingAcquireSize());
                details.put("allocated", metrics.allocatedSize());
                details.put("max", metrics.getMaxAllocatedSize());
            });
        }
        return details;
    }
}
