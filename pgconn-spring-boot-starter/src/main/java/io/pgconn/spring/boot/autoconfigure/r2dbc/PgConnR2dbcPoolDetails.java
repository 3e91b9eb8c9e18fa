package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.pgconn.spring.boot.autoconfigure.health.PgConnPoolDetails;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The r2dbc-pool {@link ConnectionPool} beans over a {@link PgConnectionFactory}, from the pool's
 * own {@link PoolMetrics} (the figures Boot's {@code r2dbc.pool.*} meters show): {@code acquired},
 * {@code idle}, {@code pending}, {@code allocated}, {@code max}, and, for a pool the starter
 * built — its own, or one of the application's built by {@link PgConnPoolBuilders} —, {@code evictions} by reason
 * and {@code sessionsByHost} (its open sessions per host label: {@link PgConnPoolSessionHosts}). A pool is over a factory when it pools a
 * {@link PgConnR2dbcConnectionFactory} on that very factory, directly or through decorators between
 * the pool and the driver (Boot's {@code ConnectionFactoryDecorator}, e.g. r2dbc-proxy).
 */
final class PgConnR2dbcPoolDetails implements PgConnPoolDetails {

    private final ListableBeanFactory beans;

    private final Map<String, PgConnPoolEvictions> evictions = new LinkedHashMap<>();

    private final Map<String, PgConnPoolSessionHosts> sessionHosts = new LinkedHashMap<>();

    /** Looked up at the first health check: every ConnectionFactory bean exists by then. */
    private volatile @Nullable Map<String, ConnectionPool> pools;

    /** The pools {@link PgConnPoolBuilders} built: their counts, when no bean of the pool's name holds them. */
    private final @Nullable PgConnPoolBuilders builders;

    PgConnR2dbcPoolDetails(ListableBeanFactory beans, List<PgConnPoolEvictions> evictions,
            List<PgConnPoolSessionHosts> sessionHosts) {
        this(beans, evictions, sessionHosts, null);
    }

    PgConnR2dbcPoolDetails(ListableBeanFactory beans, List<PgConnPoolEvictions> evictions,
            List<PgConnPoolSessionHosts> sessionHosts, @Nullable PgConnPoolBuilders builders) {
        this.beans = beans;
        this.builders = builders;
        evictions.forEach(counted -> this.evictions.put(counted.poolName(), counted));
        sessionHosts.forEach(counted -> this.sessionHosts.put(counted.poolName(), counted));
    }

    @Override
    public Map<String, Map<String, Object>> of(PgConnectionFactory factory) {
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        pools().forEach((name, pool) -> {
            if (PgConnUnwrap.driverFactory(pool.unwrap()).filter(pooled -> pooled.pgConnectionFactory() == factory).isPresent()) {
                details.put(name, describe(pool, evictions(name), sessionHosts(name)));
            }
        });
        return details;
    }

    private @Nullable PgConnPoolEvictions evictions(String poolName) {
        PgConnPoolEvictions bean = this.evictions.get(poolName);
        return bean != null || this.builders == null ? bean : this.builders.evictions(poolName);
    }

    private @Nullable PgConnPoolSessionHosts sessionHosts(String poolName) {
        PgConnPoolSessionHosts bean = this.sessionHosts.get(poolName);
        return bean != null || this.builders == null ? bean : this.builders.sessionHosts(poolName);
    }

    private static Map<String, Object> describe(ConnectionPool pool, @Nullable PgConnPoolEvictions evictions,
            @Nullable PgConnPoolSessionHosts sessionHosts) {
        Map<String, Object> details = new LinkedHashMap<>();
        pool.getMetrics().ifPresent(metrics -> {
            details.put("acquired", metrics.acquiredSize());
            details.put("idle", metrics.idleSize());
            details.put("pending", metrics.pendingAcquireSize());
            details.put("allocated", metrics.allocatedSize());
            details.put("max", metrics.getMaxAllocatedSize());
        });
        if (evictions != null) {
            Map<String, Long> byReason = new LinkedHashMap<>();
            PgConnPoolEvictions.REASONS.forEach(reason -> byReason.put(reason, evictions.count(reason)));
            details.put("evictions", byReason);
        }
        if (sessionHosts != null) {
            details.put("sessionsByHost", sessionHosts.byHost());
        }
        return details;
    }

    private Map<String, ConnectionPool> pools() {
        Map<String, ConnectionPool> found = this.pools;
        if (found == null) {
            found = new LinkedHashMap<>();
            for (Map.Entry<String, ConnectionFactory> bean : this.beans.getBeansOfType(ConnectionFactory.class).entrySet()) {
                ConnectionPool pool = pool(bean.getValue());
                if (pool != null) {
                    found.put(bean.getKey(), pool);
                }
            }
            this.pools = found;
        }
        return found;
    }

    /** The pool itself or the pool a wrapper (e.g. a proxy) wraps, as Boot finds pools for its meters. */
    private static @Nullable ConnectionPool pool(@Nullable Object candidate) {
        if (candidate instanceof ConnectionPool pool) {
            return pool;
        }
        if (candidate instanceof Wrapped<?> wrapped) {
            return pool(wrapped.unwrap());
        }
        return null;
    }
}
