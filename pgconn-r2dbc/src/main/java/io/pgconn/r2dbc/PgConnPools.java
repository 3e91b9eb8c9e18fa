package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An r2dbc-pool pool over a {@link PgConnectionFactory} with every pgconn piece in place, in the right order — the code
 * the Spring Boot starter builds its own pool with, for a pool of one's own (a pool per tenant made at runtime, a reads
 * pool on the standby):
 *
 * <pre>{@code
 * PgConnConnectionPool pool = PgConnPools.over(tenantPg).initialSize(1).maxSize(4)
 *         .maxAcquireTime(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * What it puts together (docs/r2dbc.md §4): the driver's factory ({@link PgConnR2dbcConnectionFactory#of}), under
 * {@link Builder#decorate} if given (e.g. r2dbc-proxy, as Spring Boot's {@code ConnectionFactoryDecorator}s);
 * {@link PgConnPoolCreateRetry#within} the acquire time (a connect that failed for a reason that passes — a restart, a
 * server at a connection limit — is tried again until then, at a full server paced to one login per 250 ms per pool)
 * and {@link PgConnPoolCreateRetry#growthAtAFullServer} (the pool does not grow past the one connect that waits for a
 * free slot: other acquires wait for a session a borrower releases, and a connect the server refuses gives its borrower
 * back to that wait); {@link PgConnPoolRelease} (clean on release, under
 * a proxy too); {@link PgConnPoolEviction} (unusable sessions evicted: closed, wrong role, host down, preferred role);
 * {@link PgConnConnectionPool} (its acquire timeout names the pool's figures and the hosts; a late cancel guarded, and
 * a connection with no use after one taken back after {@link Builder#abandonedLeaseTimeout}).
 * Without a {@code maxAcquireTime} there is no retry and no hold on growth: a connect's failure fails its acquire at
 * once (new user 23 F5: a tenant pool built by hand without the two, at its database's {@code CONNECTION LIMIT}, failed
 * 858 requests and drew 2,567 refused logins in 20 s; with them 1 and 86). Defaults are r2dbc-pool's and the starter's
 * {@code pg.conn.pool.*}: {@code initialSize} min(10, {@code maxSize}), {@code maxSize} 10, {@code maxIdleTime} 30 min,
 * no life or acquire-time limit, {@code acquireRetry} 1, {@code validationDepth} {@code LOCAL},
 * {@code abandonedLeaseTimeout} 5 s. Dispose the pool before
 * closing the factory.
 */
public final class PgConnPools {

    /** For {@link Builder#resetOnRelease}: every piece of session state back to a new session's. */
    public static final String DISCARD_ALL = "DISCARD ALL";
    /** For {@link Builder#resetOnRelease}: every setting back to its default; prepared statements, temporary tables kept. */
    public static final String RESET_ALL = "RESET ALL";

    /** The default of {@link Builder#abandonedLeaseTimeout}. */
    public static final Duration DEFAULT_ABANDONED_LEASE_TIMEOUT = Duration.ofSeconds(5);

    private PgConnPools() {
    }

    /** A builder of a pool over {@code factory}. */
    public static Builder over(PgConnectionFactory factory) {
        return new Builder(factory);
    }

    /** A pool's options: r2dbc-pool's of the same name, with zero or negative durations meaning "no limit". */
    public static final class Builder {

        /** r2dbc-pool's "no limit". */
        private static final Duration NO_LIMIT = Duration.ofMillis(-1);

        private final PgConnectionFactory factory;
        private String name;
        private Integer initialSize;
        private int maxSize = 10;
        private Duration maxIdleTime = Duration.ofMinutes(30);
        private Duration maxLifeTime = NO_LIMIT;
        private Duration maxAcquireTime = NO_LIMIT;
        private int acquireRetry = 1;
        private ValidationDepth validationDepth = ValidationDepth.LOCAL;
        private Duration abandonedLeaseTimeout = DEFAULT_ABANDONED_LEASE_TIMEOUT;
        private UnaryOperator<ConnectionFactory> decorate = UnaryOperator.identity();
        private String resetOnRelease;
        private final List<Consumer<String>> evicted = new ArrayList<>();
        private Consumer<ConnectionPoolConfiguration.Builder> configure = builder -> { };

        private Builder(PgConnectionFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /** r2dbc-pool's name of the pool (its JMX name, when registered there); r2dbc-pool's default when not set. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Connections opened at the first acquire (default min(10, {@code maxSize})). */
        public Builder initialSize(int initialSize) {
            this.initialSize = initialSize;
            return this;
        }

        /** The most connections the pool holds (default 10). */
        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** How long a connection may stay idle (default 30 min; negative: no limit; zero: evicted at once, as r2dbc-pool). */
        public Builder maxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = Objects.requireNonNull(maxIdleTime, "maxIdleTime");
            return this;
        }

        /** How long a connection may live; zero or negative: no limit (the default). */
        public Builder maxLifeTime(Duration maxLifeTime) {
            this.maxLifeTime = orNoLimit(maxLifeTime, "maxLifeTime");
            return this;
        }

        /**
         * How long an acquire may wait, a failed connect's retries within it; zero or negative: no limit (the default),
         * and then no retry and no hold on the pool's growth at a full server.
         */
        public Builder maxAcquireTime(Duration maxAcquireTime) {
            this.maxAcquireTime = orNoLimit(maxAcquireTime, "maxAcquireTime");
            return this;
        }

        /**
         * r2dbc-pool's acquire retries on top (default 1), each with its own {@code maxAcquireTime}. Not needed at a full
         * server: a connect refused there gives its borrower back to the pool's queue, where a released session serves it,
         * within {@code maxAcquireTime} × (1 + {@code acquireRetry}) (docs/r2dbc.md §4).
         */
        public Builder acquireRetry(int acquireRetry) {
            this.acquireRetry = acquireRetry;
            return this;
        }

        /** What r2dbc-pool validates on acquire (default {@code LOCAL}: no round trip). */
        public Builder validationDepth(ValidationDepth validationDepth) {
            this.validationDepth = Objects.requireNonNull(validationDepth, "validationDepth");
            return this;
        }

        /**
         * How long a connection whose borrower cancelled its acquire after the connection came, and made no call on it
         * and started nothing on it since (but transaction control and settings while it was being delivered), may stay
         * so, with nothing under way on its session, before the pool takes it back with its clean-up (an open
         * transaction rolled back) — default 5 s; zero or negative: never, only the garbage collector finds it
         * (docs/r2dbc.md §4). Spring's {@code R2dbcTransactionManager}, cancelled while its transaction begins
         * (spring-framework#36344), lets go of its connection so, and held the slot, its session in a transaction,
         * until a collection. Borrowers that cancel their acquire and go on using the connection (jOOQ,
         * {@code take(1)}, {@code next()}, {@code usingWhen} over {@code Flux.from(create())}) call on it, start an
         * operation after the delivery, or ran a statement of their own, which ends the watch: they keep it whatever
         * their think time ({@link PoolAbandonedLeaseWatch}). One that ran only transaction control and whose next
         * operation comes later than this finds it taken back: that operation fails with an
         * {@link IllegalStateException} that says so.
         */
        public Builder abandonedLeaseTimeout(Duration abandonedLeaseTimeout) {
            this.abandonedLeaseTimeout = Objects.requireNonNull(abandonedLeaseTimeout, "abandonedLeaseTimeout");
            return this;
        }

        /**
         * SQL each connection runs on a release to the pool, after the clean-up rolled back what its borrower left:
         * session state one borrower set is then not the next one's (NEW-USER-26 F3: a tenant's {@code set_config(...,
         * false)} read by the next request). {@link #DISCARD_ALL} resets everything — settings, role, temporary tables,
         * {@code LISTEN}, advisory locks, prepared statements (the core's statement cache prepares again after it);
         * {@link #RESET_ALL} only the settings, keeping prepared statements; or an application's own SQL (e.g.
         * {@code RESET app.tenant}). One round trip more per release, which the borrower's {@code close()} waits for;
         * bounded on its own as long as the clean-up (a {@code close()} waits up to both bounds), and a reset that fails closes its session (the pool drops it). After
         * {@code DISCARD ALL}/{@code RESET ALL} {@code getTransactionIsolationLevel()} reports the level the session
         * connected with; an application's SQL that resets the isolation level too ({@code RESET
         * default_transaction_isolation}) is not recognised, and the level set before is reported until the next
         * {@code setTransactionIsolationLevel}. {@code DISCARD_ALL} and {@code RESET_ALL} name the two constants (the
         * R2DBC option {@code resetOnRelease}'s spelling). Runs only on a release after which the session was used since
         * its last reset — a statement, batch, copy, transaction call or setting run, the core connection handed out
         * ({@code unwrap()}, {@code PgConnUnwrap.pgConnection}); a lend that sent the server nothing left nothing to
         * reset (session 31). Null or blank: none,
         * the default — as r2dbc-pool and pgjdbc pools, session state then passes to the next borrower (docs/r2dbc.md §4).
         *
         * @throws IllegalArgumentException for one word that names neither reset ({@code DISCARD_AL}): sent as SQL it
         *                                  would fail every release and close every session (REVIEW-31 R31-13)
         */
        public Builder resetOnRelease(String sql) {
            this.resetOnRelease = ResetOnReleaseSql.ofOption("resetOnRelease", sql);
            return this;
        }

        /**
         * Wraps the driver's factory before pooling (e.g. r2dbc-proxy; Spring Boot's {@code ConnectionFactoryDecorator}s
         * in their order): the pool holds the wrapper's connections, the clean-up and eviction find the driver's under it.
         * Calls combine: each wraps what the earlier ones made (the first call's is nearest the driver), so a decorator
         * set before — the starter's {@code PgConnPoolBuilders} counts sessions by host with one — stays under the next
         * (before session 30 a later call replaced it, and the pool's sessions went uncounted).
         */
        public Builder decorate(UnaryOperator<ConnectionFactory> decorate) {
            Objects.requireNonNull(decorate, "decorate");
            UnaryOperator<ConnectionFactory> earlier = this.decorate;
            this.decorate = driver -> decorate.apply(Objects.requireNonNull(earlier.apply(driver), "decorate returned null"));
            return this;
        }

        /**
         * Told the reason of each eviction of an unusable connection ({@code closed}, {@code role}, ...), e.g. for a meter.
         * Calls combine: each consumer is told, in the order they were given, each on its own — one that throws keeps
         * neither the later ones from being told nor the session from being closed, and its first failure is logged
         * once (session 31: it stopped both).
         */
        public Builder evicted(Consumer<String> evicted) {
            this.evicted.add(Objects.requireNonNull(evicted, "evicted"));
            return this;
        }

        /**
         * r2dbc-pool's other options ({@code minIdle}, {@code maxPendingAcquire}, {@code maxCreateConnectionTime},
         * {@code registerJmx}, ...), set on its builder before this one's: a {@code preRelease} or {@code customizer}
         * set there is replaced by pgconn's. Calls combine: each is applied, in the order they were given.
         */
        public Builder configure(Consumer<ConnectionPoolConfiguration.Builder> configure) {
            this.configure = this.configure.andThen(Objects.requireNonNull(configure, "configure"));
            return this;
        }

        /**
         * The pool.
         *
         * @throws IllegalArgumentException when {@code maxSize} is below 1, {@code initialSize} outside 0 to
         *                                  {@code maxSize}, or {@code acquireRetry} negative
         */
        public PgConnConnectionPool build() {
            if (this.maxSize < 1) {
                throw new IllegalArgumentException("maxSize " + this.maxSize + ": expected at least 1");
            }
            int initial = this.initialSize != null ? this.initialSize : Math.min(10, this.maxSize);
            if (initial < 0 || initial > this.maxSize) {
                throw new IllegalArgumentException("initialSize " + initial + ": expected 0 to maxSize (" + this.maxSize + ")");
            }
            if (this.acquireRetry < 0) {
                throw new IllegalArgumentException("acquireRetry " + this.acquireRetry + ": expected 0 or more");
            }
            PgConnR2dbcConnectionFactory driver = this.resetOnRelease == null ? PgConnR2dbcConnectionFactory.of(this.factory)
                    : PgConnR2dbcConnectionFactory.resettingOnRelease(this.factory, this.resetOnRelease);
            ConnectionFactory pooled = Objects.requireNonNull(this.decorate.apply(driver), "decorate returned null");
            // a connect that failed for a reason that passes (a restart, a full server) is tried again until the deadline
            ConnectionFactory poolFactory = PgConnPoolCreateRetry.within(pooled, this.maxAcquireTime);
            ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration.builder(poolFactory);
            this.configure.accept(builder);
            if (this.name != null) {
                builder.name(this.name);
            }
            builder.initialSize(initial)
                    .maxSize(this.maxSize)
                    .maxIdleTime(this.maxIdleTime)
                    .maxLifeTime(this.maxLifeTime)
                    .validationDepth(this.validationDepth)
                    .maxAcquireTime(this.maxAcquireTime)
                    .acquireRetry(this.acquireRetry);
            // the driver's clean-up on release reaches the connection under decorators (r2dbc.md §4)
            PgConnPoolRelease.apply(builder);
            // at a server with no free slot the pool does not grow past the one connect that waits for it (r2dbc.md §4);
            // its acquisition timeout names the pool's figures and the hosts (NEW-USER-21 F3)
            // and a connect it refuses gives its borrower back to the pool's queue, within the borrower's whole wait
            Duration wholeWait = poolFactory instanceof PgConnPoolCreateRetry
                    ? this.maxAcquireTime.multipliedBy(1L + this.acquireRetry) : null;
            return new PgConnConnectionPool(PgConnPoolEviction.apply(builder, this.maxIdleTime, this.maxLifeTime,
                    EvictionConsumers.of(this.name, this.evicted),
                    PgConnPoolCreateRetry.growthAtAFullServer(poolFactory, initial, this.maxSize)).build(), this.factory,
                    wholeWait, this.name, this.abandonedLeaseTimeout, this.resetOnRelease);
        }

        private static Duration orNoLimit(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            return duration.isZero() || duration.isNegative() ? NO_LIMIT : duration;
        }
    }
}
