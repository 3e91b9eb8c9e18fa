package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;

/**
 * {@code pg.conn.connections.active}: connections the factory handed out that are still open;
 * {@code pg.conn.failovers}: changes of the host connections land on since start.
 */
public final class PgConnMeterBinder implements MeterBinder {

    private final PgConnectionFactory factory;

    private final FailoverTracker failoverTracker;

    public PgConnMeterBinder(PgConnectionFactory factory, FailoverTracker failoverTracker) {
        this.factory = factory;
        this.failoverTracker = failoverTracker;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pg.conn.connections.active", this.factory, PgConnectionFactory::openConnections)
                .description("Connections handed out by the factory and still open")
                .tag("db.system.name", "postgresql")
                .register(registry);
        FunctionCounter.builder("pg.conn.failovers", this.failoverTracker, FailoverTracker::failovers)
                .description("Changes of the host connections land on since start")
                .tag("db.system.name", "postgresql")
                .register(registry);
    }
}
