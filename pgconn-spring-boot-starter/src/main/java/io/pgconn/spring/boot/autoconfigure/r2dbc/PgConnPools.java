package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.r2dbc.PgConnPoolCreateRetry;
import io.pgconn.r2dbc.PgConnPoolEviction;
import io.pgconn.r2dbc.PgConnPoolRelease;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An r2dbc-pool {@link ConnectionPool} over a {@link PgConnectionFactory}, made of the pieces the starter's own pool is
 * made of, by the same code (new user 23 F5: a pool built after the README's recipe had neither
 * {@link PgConnPoolCreateRetry#within} nor {@link PgConnPoolCreateRetry#growthAtAFullServer}, and a tenant at its
 * database's {@code CONNECTION LIMIT} got 858 failed requests and ~130 refused logins a second where the starter's
 * pieces gave 1 and ~4):
 *
 * <pre>{@code
 * ConnectionPool pool = PgConnPools.over(tenantPg).initialSize(1).maxSize(4)
 *         .maxAcquireTime(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * What it puts together (docs/r2dbc.md §4/§5): the driver's factory ({@code PgConnR2dbcConnectionFactory.of}), under
 * {@link #decorate} if given; {@link PgConnPoolCreateRetry#within} the acquire time (a connect that failed for a reason
 * that passes — a restart, a full server — is tried again until then) and {@link PgConnPoolCreateRetry#growthAtAFullServer}
 * (no growth past the one connect that waits for a free slot); {@link PgConnPoolRelease} (clean on release, under a
 * proxy too); {@link PgConnPoolEviction} (unusable sessions evicted: closed, wrong role, host down, preferred role);
 * {@link PgConnConnectionPool} (its acquire timeout names the pool's figures and the hosts). Defaults are
 * {@code pg.conn.pool.*}'s: {@code initialSize} min(10, {@code maxSize}), {@code maxSize} 10, {@code maxIdleTime} 30 min,
 * no life, acquire-time or pending limit, {@code acquireRetry} 1, {@code validationDepth} {@code LOCAL}.
 */
public final class PgConnPools {

    private PgConnPools() {
    }

    /** A builder of a pool over {@code factory}; dispose the pool before closing the factory. */
    public static Builder over(PgConnectionFactory factory) {
        return new Builder(factory);
    }

    /** Options of a pool; each as the {@code pg.conn.pool.*} property of the same name. */
    public static final class Builder {

        /** r2dbc-pool's "no limit". */
        private static final Duration NO_LIMIT = Duration.ofMillis(-1);

        private final PgConnectionFactory factory;

        private String name = "pgConn";

        private Integer initialSize;

        private int maxSize = 10;

        private Duration maxIdleTime = Duration.ofMinutes(30);

        private Duration maxLifeTime = NO_LIMIT;

        private Duration maxAcquireTime = NO_LIMIT;

        private int acquireRetry = 1;

        private ValidationDepth validationDepth = ValidationDepth.LOCAL;

        private UnaryOperator<ConnectionFactory> decorate = UnaryOperator.identity();

        private Consumer<String> evicted = reason -> { };

        private Builder(PgConnectionFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /** r2dbc-pool's name of the pool (its JMX name, when registered there). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Connections opened at the first acquire (default min(10, {@code maxSize})). */
        public Builder initialSize(int initialSize) {
            this.initialSize = initialSize;
            return this;
        }

        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** As r2dbc-pool takes it (negative: no limit; default 30 min). */
        public Builder maxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = Objects.requireNonNull(maxIdleTime, "maxIdleTime");
            return this;
        }

        /** Zero or negative: no limit (the default). */
        public Builder maxLifeTime(Duration maxLifeTime) {
            this.maxLifeTime = orNoLimit(maxLifeTime);
            return this;
        }

        /** How long an acquire may wait, a connect's retries within it; zero or negative: no limit (the default). */
        public Builder maxAcquireTime(Duration maxAcquireTime) {
            this.maxAcquireTime = orNoLimit(maxAcquireTime);
            return this;
        }

        public Builder acquireRetry(int acquireRetry) {
            this.acquireRetry = acquireRetry;
            return this;
        }

        public Builder validationDepth(ValidationDepth validationDepth) {
            this.validationDepth = Objects.requireNonNull(validationDepth, "validationDepth");
            return this;
        }

        /** Wraps the driver's factory before pooling (e.g. an r2dbc-proxy), as Boot's {@code ConnectionFactoryDecorator}s. */
        public Builder decorate(UnaryOperator<ConnectionFactory> decorate) {
            this.decorate = Objects.requireNonNull(decorate, "decorate");
            return this;
        }

        /** Told the reason of each eviction of an unusable connection ({@code closed}, {@code role}, ...). */
        public Builder evicted(Consumer<String> evicted) {
            this.evicted = Objects.requireNonNull(evicted, "evicted");
            return this;
        }

        /**
         * The pool.
         *
         * @throws IllegalArgumentException when {@code maxSize} is below 1 or {@code initialSize} outside 0 to {@code maxSize}
         */
        public ConnectionPool build() {
            if (this.maxSize < 1) {
                throw new IllegalArgumentException("maxSize " + this.maxSize + ": expected at least 1");
            }
            int initial = this.initialSize != null ? this.initialSize : Math.min(10, this.maxSize);
            if (initial < 0 || initial > this.maxSize) {
                throw new IllegalArgumentException("initialSize " + initial + ": expected 0 to maxSize (" + this.maxSize + ")");
            }
            ConnectionFactory pooled = this.decorate.apply(PgConnR2dbcConnectionFactory.of(this.factory));
            // a connect that failed for a reason that passes (a restart) is tried again until the acquire's deadline
            ConnectionFactory poolFactory = PgConnPoolCreateRetry.within(pooled, this.maxAcquireTime);
            ConnectionPoolConfiguration.Builder builder = ConnectionPoolConfiguration.builder(poolFactory)
                    .name(this.name)
                    .initialSize(initial)
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
            return new PgConnConnectionPool(PgConnPoolEviction.apply(builder, this.maxIdleTime, this.maxLifeTime, this.evicted,
                    PgConnPoolCreateRetry.growthAtAFullServer(poolFactory, initial, this.maxSize)).build(), this.factory);
        }

        private static Duration orNoLimit(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            return duration.isZero() || duration.isNegative() ? NO_LIMIT : duration;
        }
    }
}
