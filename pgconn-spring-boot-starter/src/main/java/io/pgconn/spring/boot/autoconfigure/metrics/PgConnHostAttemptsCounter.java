package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.trace.PgTracer;

/**
 * Counts host attempts of one factory as {@value #NAME} — the auto-configured one's, or one of the application's
 * own through {@link io.pgconn.spring.boot.autoconfigure.PgConnFactoryTracers} — tagged by {@code name}
 * (the factory's bean name), {@code host} ({@code host:port}, from
 * configuration, so bounded) and {@code outcome} ({@code connected}, {@code refused},
 * {@code role-mismatch}, ...).
 */
public final class PgConnHostAttemptsCounter implements PgTracer {

    static final String NAME = "pg.conn.host.attempts";

    private final MeterRegistry registry;

    private final String name;

    /** {@code name}: the bean name of the factory this tracer is given to, as the {@code name} tag. */
    public PgConnHostAttemptsCounter(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        Counter.builder(NAME)
                .description("Connection attempts on one host, by outcome")
                .tag("db.system.name", "postgresql")
                .tag("name", this.name)
                .tag("host", event.host())
                .tag("outcome", event.outcome().label())
                .register(this.registry)
                .increment();
    }
}
