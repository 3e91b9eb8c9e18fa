package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The factory meters of {@link PgConnMeterBinder} for each factory registered at runtime with
 * {@link PgConnRuntimeFactories} (new user 23 F3), tagged {@code name=<its name>}; removed when its registration ends
 * (the factory's close), so that a tenant offboarded leaves no meter behind.
 */
public final class PgConnRuntimeFactoryMeters implements PgConnRuntimeFactories.Listener {

    private final MeterRegistry registry;

    private final FailoverTrackers failoverTrackers;

    private final Map<PgConnRuntimeFactories.Entry, List<Meter>> bound = new ConcurrentHashMap<>();

    public PgConnRuntimeFactoryMeters(MeterRegistry registry, FailoverTrackers failoverTrackers) {
        this.registry = registry;
        this.failoverTrackers = failoverTrackers;
    }

    @Override
    public void registered(PgConnRuntimeFactories.Entry factory) {
        this.bound.put(factory, PgConnMeterBinder.bindFactory(this.registry, factory.name(), factory.factory(),
                this.failoverTrackers.of(factory.name(), factory.factory())));
    }

    @Override
    public void unregistered(PgConnRuntimeFactories.Entry factory) {
        List<Meter> meters = this.bound.remove(factory);
        if (meters != null) {
            meters.forEach(this.registry::remove);
        }
    }
}
