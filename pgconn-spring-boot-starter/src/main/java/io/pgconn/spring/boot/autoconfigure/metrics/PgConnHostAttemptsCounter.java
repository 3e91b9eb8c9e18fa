package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.trace.PgTracer;

/**
 * Counts host attempts as {@value #NAME}, tagged by {@code host} ({@code host:port}, from
 * configuration, so bounded) and {@code outcome} ({@code connected}, {@code refused},
 * {@code role-mismatch}, ...).
 */
public final class PgConnHostAttemptsCounter implements PgTracer {

    static final String NAME = "pg.conn.host.attempts";

    private final MeterRegistry registry;

    public PgConnHostAttemptsCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        Counter.builder(NAME)
                .description("Connection attempts on one host, by outcome")
                .tag("db.system.name", "postgresql")
                .tag("host", event.host())
                .tag("outcome", event.outcome().label())
                .register(this.registry)
                .increment();
    }
}
