package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;

import java.util.Map;

/**
 * For each {@link PgConnectionFactory} bean, tagged {@code name} with its bean name:
 * {@code pg.conn.connections.active}, connections the factory handed out that are still open;
 * {@code pg.conn.failovers}, changes of the host connections land on since start.
 */
public final class PgConnMeterBinder implements MeterBinder {

    private final Map<String, PgConnectionFactory> factories;

    private final FailoverTrackers failoverTrackers;

    public PgConnMeterBinder(Map<String, PgConnectionFactory> factories, FailoverTrackers failoverTrackers) {
        this.factories = Map.copyOf(factories);
        this.failoverTrackers = failoverTrackers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.factories.forEach((name, factory) -> bind(registry, name, factory));
    }

    private void bind(MeterRegistry registry, String name, PgConnectionFactory factory) {
        Gauge.builder("pg.conn.connections.active", factory, PgConnectionFactory::openConnections)
                .description("Connections handed out by the factory and still open")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry);
        FunctionCounter.builder("pg.conn.failovers", this.failoverTrackers.of(name, factory), FailoverTracker::failovers)
                .description("Changes of the host connections land on since start")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry);
    }
}
