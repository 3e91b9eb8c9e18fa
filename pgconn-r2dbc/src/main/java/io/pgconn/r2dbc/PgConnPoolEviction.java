package io.pgconn.r2dbc;

import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import reactor.pool.PoolBuilder;
import reactor.pool.PoolConfig;
import reactor.pool.PooledRefMetadata;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * Makes an r2dbc-pool evict a pgconn connection the moment it is no longer usable (closed, or its
 * server no longer satisfies {@code target_session_attrs}, see {@link io.r2dbc.spi.Connection#validate}
 * with LOCAL), before it is handed out. Validation on acquire alone would fail an acquire per stale
 * connection (r2dbc-pool retries {@code acquireRetry} times, then gives up), so after a failover with
 * many idle connections to the old primary an application would see errors; with this eviction they
 * are closed and skipped, and the acquire gets a live connection or a new one.
 *
 * <p>The pool's own idle/life-time eviction is kept: r2dbc-pool installs it as the same predicate,
 * which this one replaces and includes.
 */
public final class PgConnPoolEviction {

    private PgConnPoolEviction() {
    }

    /** Sets {@code builder}'s customizer; pass the same idle and life times given to the builder. */
    public static ConnectionPoolConfiguration.Builder apply(ConnectionPoolConfiguration.Builder builder,
                                                            Duration maxIdleTime, Duration maxLifeTime) {
        return builder.customizer(customizer(maxIdleTime, maxLifeTime));
    }

    /** A pool customizer installing {@link #predicate(Duration, Duration)}. */
    public static Consumer<PoolBuilder<Connection, ? extends PoolConfig<? extends Connection>>> customizer(
            Duration maxIdleTime, Duration maxLifeTime) {
        BiPredicate<Connection, PooledRefMetadata> predicate = predicate(maxIdleTime, maxLifeTime);
        return builder -> builder.evictionPredicate(predicate);
    }

    /**
     * Evict when the connection is not usable, or when it was idle for {@code maxIdleTime} or lived
     * for {@code maxLifeTime} (negative: no limit; zero: evict at once, as r2dbc-pool does).
     */
    public static BiPredicate<Connection, PooledRefMetadata> predicate(Duration maxIdleTime, Duration maxLifeTime) {
        Objects.requireNonNull(maxIdleTime, "maxIdleTime");
        Objects.requireNonNull(maxLifeTime, "maxLifeTime");
        return (connection, metadata) -> {
            if (maxIdleTime.isZero() || maxLifeTime.isZero()) {
                return true;
            }
            if (!maxIdleTime.isNegative() && metadata.idleTime() >= maxIdleTime.toMillis()) {
                return true;
            }
            if (!maxLifeTime.isNegative() && metadata.lifeTime() >= maxLifeTime.toMillis()) {
                return true;
            }
            return connection instanceof PgConnR2dbcConnection pg && !pg.isUsable();
        };
    }
}
