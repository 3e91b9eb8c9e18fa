package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * {@value #NAME}: connections a pgconn R2DBC pool evicted as unusable, tagged {@code name} (the
 * pool's bean name, the tag Boot puts on the same pool's {@code r2dbc.pool.*} meters),
 * {@code reason} ({@code role}, {@code host-down}, {@code closed}, {@code preferred-role}, {@code other-primary}) and {@code db.system.name}.
 * Registered for every reason at start, so a dashboard shows 0 before the first failover. Over the pools
 * {@link PgConnPoolBuilders} builds ({@link #PgConnPoolEvictionsMeterBinder(PgConnPoolBuilders)}), for each one as it is
 * built, also after the registry was bound.
 */
public final class PgConnPoolEvictionsMeterBinder implements MeterBinder {

    static final String NAME = "pg.conn.pool.evictions";

    private final List<PgConnPoolEvictions> pools;

    private final @Nullable PgConnPoolBuilders builders;

    public PgConnPoolEvictionsMeterBinder(List<PgConnPoolEvictions> pools) {
        this.pools = List.copyOf(pools);
        this.builders = null;
    }

    /** The pools {@code builders} built and will build. */
    public PgConnPoolEvictionsMeterBinder(PgConnPoolBuilders builders) {
        this.pools = List.of();
        this.builders = builders;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (PgConnPoolEvictions pool : this.pools) {
            bind(registry, pool);
        }
        if (this.builders != null) {
            this.builders.eachBuilt(pool -> bind(registry, pool));
        }
    }

    private static void bind(MeterRegistry registry, PgConnPoolEvictions pool) {
        for (String reason : PgConnPoolEvictions.REASONS) {
            FunctionCounter.builder(NAME, pool, evictions -> evictions.count(reason))
                    .description("Pooled R2DBC connections evicted because they failed validate(LOCAL)")
                    .tag("db.system.name", "postgresql")
                    .tag("name", pool.poolName())
                    .tag("reason", reason)
                    .register(registry);
        }
    }
}
