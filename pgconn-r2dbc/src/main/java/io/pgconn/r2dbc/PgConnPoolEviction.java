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
 * with LOCAL), before it is handed out; and a {@code prefer-standby} connection whose server is a primary
 * while the factory's host memory holds a standby up (reason {@code preferred-role}): usable, so
 * {@code validate} keeps passing it and a borrower keeps it, but it goes when it is released or found
 * idle, and the pool's next connect reaches the standby (docs/r2dbc.md §4). Validation on acquire alone would fail an acquire per stale
 * connection (r2dbc-pool retries {@code acquireRetry} times, then gives up), so after a failover with
 * many idle connections to the old primary an application would see errors; with this eviction they
 * are closed and skipped, and the acquire gets a live connection or a new one.
 *
 * <p>The pool's own idle/life-time eviction is kept: r2dbc-pool installs it as the same predicate,
 * which this one replaces and includes. The pool's factory may wrap the driver's (e.g. r2dbc-proxy,
 * which Spring Boot's {@code ConnectionFactoryDecorator} puts between pool and driver): the pgconn
 * connection is found under any wrappers ({@link PgConnUnwrap}).
 */
public final class PgConnPoolEviction {

    private PgConnPoolEviction() {
    }

    /** Sets {@code builder}'s customizer; pass the same idle and life times given to the builder. */
    public static ConnectionPoolConfiguration.Builder apply(ConnectionPoolConfiguration.Builder builder,
                                                            Duration maxIdleTime, Duration maxLifeTime) {
        return apply(builder, maxIdleTime, maxLifeTime, reason -> { });
    }

    /**
     * As {@link #apply(ConnectionPoolConfiguration.Builder, Duration, Duration)}, telling
     * {@code evicted} why each unusable connection was evicted: {@code closed}, {@code role} (its
     * server no longer satisfies {@code target_session_attrs}), {@code host-down}, or {@code preferred-role}
     * (prefer-standby on a primary while a standby is up) (e.g. for a meter).
     *
     * <p>Told when the pool destroys the connection, not by the eviction predicate: r2dbc-pool also
     * drops a connection without asking the predicate, when {@code validate(LOCAL)} fails as it is
     * released (e.g. its statement failed because the server terminated the session) or acquired
     * (it then invalidates it), and those evictions must be counted too, each once. An {@code evicted} that throws
     * does not keep the session from being closed; its first failure is logged once.
     */
    public static ConnectionPoolConfiguration.Builder apply(ConnectionPoolConfiguration.Builder builder,
                                                            Duration maxIdleTime, Duration maxLifeTime,
                                                            Consumer<String> evicted) {
        return apply(builder, maxIdleTime, maxLifeTime, evicted, poolBuilder -> { });
    }

    /**
     * As {@link #apply(ConnectionPoolConfiguration.Builder, Duration, Duration, Consumer)}, and {@code alsoCustomize}
     * after it: r2dbc-pool takes one customizer, e.g. {@link PgConnPoolCreateRetry#growthAtAFullServer} too.
     */
    public static ConnectionPoolConfiguration.Builder apply(ConnectionPoolConfiguration.Builder builder,
                                                            Duration maxIdleTime, Duration maxLifeTime,
                                                            Consumer<String> evicted,
                                                            Consumer<PoolBuilder<Connection, ? extends PoolConfig<? extends Connection>>> alsoCustomize) {
        // a consumer that throws never keeps the session from being closed (EvictionConsumers)
        Consumer<String> told = EvictionConsumers.guarding(evicted);
        Objects.requireNonNull(alsoCustomize, "alsoCustomize");
        BiPredicate<Connection, PooledRefMetadata> predicate = predicate(maxIdleTime, maxLifeTime, reason -> { });
        Consumer<PoolBuilder<Connection, ? extends PoolConfig<? extends Connection>>> customizer =
                poolBuilder -> poolBuilder.evictionPredicate(predicate).destroyHandler(connection -> {
                    PgConnUnwrap.driverConnection(connection).map(pg -> pg.evictionVerdict().label()).ifPresent(told);
                    return connection.close(); // what r2dbc-pool's own destroy handler does
                });
        return builder.customizer(customizer.andThen(alsoCustomize));
    }

    /**
     * Evict when the connection is not usable (reported to {@code evicted}), or when it was idle for
     * {@code maxIdleTime} or lived for {@code maxLifeTime} (negative: no limit; zero: evict at once,
     * as r2dbc-pool does).
     */
    public static BiPredicate<Connection, PooledRefMetadata> predicate(Duration maxIdleTime, Duration maxLifeTime,
                                                                       Consumer<String> evicted) {
        Objects.requireNonNull(maxIdleTime, "maxIdleTime");
        Objects.requireNonNull(maxLifeTime, "maxLifeTime");
        Consumer<String> told = EvictionConsumers.guarding(evicted);
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
            SessionValidity.Verdict verdict = PgConnUnwrap.driverConnection(connection)
                    .map(PgConnR2dbcConnection::evictionVerdict).orElse(SessionValidity.Verdict.USABLE);
            if (verdict != SessionValidity.Verdict.USABLE) {
                told.accept(verdict.label());
                return true;
            }
            return false;
        };
    }
}
