package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories;
import io.r2dbc.pool.ConnectionPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code r2dbc.pool.*} gauges ({@link PgConnPoolGaugesBinder}'s, Boot's names) of each pool registered with a
 * runtime factory ({@link PgConnRuntimeFactories}), tagged {@code name=<the factory's name>} ({@code <name>#2} ... for a
 * second pool of it: a registered name holds no {@code #}, so no other registration's pool can have that tag); removed when the registration ends (new user 23 F3: a tenant's pool saturation was not measured).
 */
public final class PgConnRuntimePoolGauges implements PgConnRuntimeFactories.Listener {

    private final MeterRegistry registry;

    private final Map<PgConnRuntimeFactories.Entry, List<Meter>> bound = new ConcurrentHashMap<>();

    public PgConnRuntimePoolGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void registered(PgConnRuntimeFactories.Entry factory) {
        List<Meter> meters = new ArrayList<>();
        int index = 0;
        for (Object candidate : factory.pools()) {
            ConnectionPool pool = PgConnPoolGaugesBinder.pool(candidate);
            index++;
            String name = index == 1 ? factory.name() : factory.name() + "#" + index;
            if (pool != null) {
                pool.getMetrics().ifPresent(metrics -> meters.addAll(PgConnPoolGaugesBinder.bind(this.registry, name, metrics)));
            }
        }
        this.bound.put(factory, meters);
    }

    @Override
    public void unregistered(PgConnRuntimeFactories.Entry factory) {
        List<Meter> meters = this.bound.remove(factory);
        if (meters != null) {
            meters.forEach(this.registry::remove);
        }
    }
}
