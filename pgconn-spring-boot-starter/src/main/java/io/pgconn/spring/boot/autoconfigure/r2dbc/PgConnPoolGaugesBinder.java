package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The {@code r2dbc.pool.*} gauges of each r2dbc-pool {@link ConnectionPool} bean — {@code acquired}, {@code allocated},
 * {@code idle}, {@code pending}, {@code max.allocated}, {@code max.pending}, tag {@code name} (the bean name), base
 * unit {@code connections} — named, tagged and described as Spring Boot's {@code ConnectionPoolMetrics} does, for an
 * application without Boot's {@code spring-boot-r2dbc} module, which publishes them otherwise
 * ({@code ConnectionPoolMetricsAutoConfiguration}). NEW-USER-20 F4: a Spring MVC application set up as the docs say
 * (pgconn-r2dbc and spring-r2dbc, for {@code PgConnSessions}) had no pool gauges, so a saturated pool was invisible
 * in Prometheus. Only registered while Boot's auto-configuration is absent: never two sets of the same meters.
 */
public final class PgConnPoolGaugesBinder implements MeterBinder {

    /** Deeper than any real stack of wrappers; guards against a wrapper whose unwrap() leads back to itself. */
    private static final int MAX_LEVELS = 32;

    private final ListableBeanFactory beans;

    public PgConnPoolGaugesBinder(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.beans.getBeansOfType(ConnectionFactory.class, false, false).forEach((name, factory) -> {
            ConnectionPool pool = pool(factory);
            if (pool != null) {
                pool.getMetrics().ifPresent(metrics -> bind(registry, name, metrics));
            }
        });
    }

    /** The gauges of one pool, tagged {@code name}; returned so that a runtime pool's can be removed when it goes. */
    static List<Meter> bind(MeterRegistry registry, String name, PoolMetrics metrics) {
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge(registry, name, metrics, "acquired", PoolMetrics::acquiredSize,
                "Size of successfully acquired connections which are in active use."));
        meters.add(gauge(registry, name, metrics, "allocated", PoolMetrics::allocatedSize,
                "Size of allocated connections in the pool which are in active use or idle."));
        meters.add(gauge(registry, name, metrics, "idle", PoolMetrics::idleSize, "Size of idle connections in the pool."));
        meters.add(gauge(registry, name, metrics, "pending", PoolMetrics::pendingAcquireSize,
                "Size of pending to acquire connections from the underlying connection factory."));
        meters.add(gauge(registry, name, metrics, "max.allocated", PoolMetrics::getMaxAllocatedSize,
                "Maximum size of allocated connections that this pool allows."));
        meters.add(gauge(registry, name, metrics, "max.pending", PoolMetrics::getMaxPendingAcquireSize,
                "Maximum size of pending state to acquire connections that this pool allows."));
        return meters;
    }

    private static Gauge gauge(MeterRegistry registry, String name, PoolMetrics metrics, String key,
            ToDoubleFunction<PoolMetrics> value, String description) {
        return Gauge.builder("r2dbc.pool." + key, metrics, value).description(description).tag("name", name)
                .baseUnit("connections").register(registry);
    }

    /** The pool itself or the pool a wrapper (e.g. a proxy) wraps, as Boot finds pools for its meters. */
    static @Nullable ConnectionPool pool(@Nullable Object factory) {
        Object current = factory;
        for (int level = 0; level < MAX_LEVELS && current != null; level++) {
            if (current instanceof ConnectionPool pool) {
                return pool;
            }
            current = current instanceof Wrapped<?> wrapped ? wrapped.unwrap() : null;
        }
        return null;
    }
}
