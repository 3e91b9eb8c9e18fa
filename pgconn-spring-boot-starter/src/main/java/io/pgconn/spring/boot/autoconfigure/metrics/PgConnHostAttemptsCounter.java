package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgconn.trace.PgTracer;

import java.util.List;

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

    private final PgConnMeterOwners meterOwners;

    private final PgConnMeterOwners.Group group;

    private volatile boolean claimed;

    /** The factory closed: attempts that end after it (a connect its close aborted) are not counted. */
    private volatile boolean closed;

    /** {@code name}: the bean name of the factory this tracer is given to, as the {@code name} tag. */
    public PgConnHostAttemptsCounter(MeterRegistry registry, String name) {
        this(registry, name, new PgConnMeterOwners(() -> registry));
    }

    /**
     * As above, its counters claimed with {@code meterOwners}: the factory's close ({@link #factoryClosed}) removes them,
     * unless a live factory of the same name counts there too.
     */
    public PgConnHostAttemptsCounter(MeterRegistry registry, String name, PgConnMeterOwners meterOwners) {
        this.registry = registry;
        this.name = name;
        this.meterOwners = meterOwners;
        this.group = new PgConnMeterOwners.Group(List.of(NAME), List.of("name", name));
    }

    @Override
    public void hostAttemptEnded(HostAttemptEnded event) {
        if (this.closed) {
            return;
        }
        if (!this.claimed) {
            this.claimed = true;
            this.meterOwners.claim(this.group, this);
        }
        Counter.builder(NAME)
                .description("Connection attempts on one host, by outcome")
                .tag("db.system.name", "postgresql")
                .tag("name", this.name)
                .tag("host", event.host())
                .tag("outcome", event.outcome().label())
                .register(this.registry)
                .increment();
        if (this.closed) { // the close ran while this attempt was counted: what it registered goes too (REVIEW-24 R24-1)
            this.meterOwners.release(this, List.of(this.group));
        }
    }

    /** The factory closed: its counters go (new user 23 F2: they stayed for every tenant ever onboarded). */
    @Override
    public void factoryClosed(FactoryClosed event) {
        this.closed = true;
        this.meterOwners.release(this, List.of(this.group));
    }
}
