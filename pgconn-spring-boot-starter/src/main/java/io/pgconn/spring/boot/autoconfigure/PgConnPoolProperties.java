package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * The R2DBC connection pool over pgconn, read when pgconn-r2dbc and spring-r2dbc are present, in
 * the style of Boot's {@code spring.r2dbc.pool.*}. Whatever the settings, a pooled connection
 * whose server no longer satisfies {@code target_session_attrs} (or that is closed) is evicted
 * instead of handed out. {@code pg.conn.pool.*}, a group of {@link PgConnProperties}.
 */
public class PgConnPoolProperties {

    /** What {@code initial-size} is, when not set, unless {@code max-size} is smaller. */
    public static final int DEFAULT_INITIAL_SIZE = 10;

    /**
     * Whether the R2DBC ConnectionFactory is pooled (r2dbc-pool). When false, every
     * create() opens a new pgconn session.
     */
    private boolean enabled = true;

    /**
     * Connections the pool opens when it is first used; from 0 to max-size. When not set:
     * min(10, max-size).
     */
    private @Nullable Integer initialSize;

    /**
     * Most connections the pool holds; at least 1.
     */
    private int maxSize = 10;

    /**
     * How long a connection may sit idle in the pool before it is closed.
     */
    private Duration maxIdleTime = Duration.ofMinutes(30);

    /**
     * How long a connection may live before it is closed. Zero: no limit.
     */
    private Duration maxLifeTime = Duration.ZERO;

    /**
     * How long an acquire may wait for a connection, per try (1 + acquire-retry tries). Within it, a new
     * connection refused because the server is restarting, or at a connection limit (53300), is tried again
     * with a short backoff. Zero: no limit,
     * and a failed connect fails the acquire at once.
     */
    private Duration maxAcquireTime = Duration.ZERO;

    /**
     * How many times r2dbc-pool tries an acquire again after it failed, a timeout of
     * max-acquire-time included: a caller waits up to (1 + acquire-retry) x max-acquire-time.
     * r2dbc-pool's default, 1, doubles max-acquire-time; 0 makes it the bound.
     */
    private int acquireRetry = 1;

    /**
     * Validation of a connection before it is handed out: local (no round trip: open, and the
     * server still in the role target_session_attrs asks for) or remote (also a query).
     */
    private ValidationDepth validationDepth = ValidationDepth.LOCAL;

    /**
     * How long a connection whose borrower cancelled its acquire after the connection came may go
     * without a call or an operation started on it, with nothing under way on its session (and no
     * statement of its own run in it), before the pool takes it back with its
     * clean-up (an open transaction rolled back): Spring's R2dbcTransactionManager, cancelled while
     * its transaction begins (a client that disconnects; spring-framework#36344), lets go of its
     * connection so. Zero or negative: never (only a garbage collection that finds it gives it back).
     */
    private Duration abandonedLeaseTimeout = Duration.ofSeconds(5); // PgConnPools' default (pgconn-r2dbc may be absent)

    /**
     * SQL each pooled connection runs on a release after its session was used (a statement, a setting,
     * a transaction call, the core connection unwrapped), after the clean-up: DISCARD ALL (every piece
     * of session state, prepared statements too), RESET ALL (settings only), their names DISCARD_ALL and
     * RESET_ALL, or an application's own (e.g. RESET app.tenant), so that session state one borrower set
     * is not the next one's. One round trip more per such release. Unset: none (session state passes to
     * the next borrower).
     */
    private @Nullable String resetOnRelease;

    public @Nullable String getResetOnRelease() {
        return this.resetOnRelease;
    }

    public void setResetOnRelease(@Nullable String resetOnRelease) {
        this.resetOnRelease = resetOnRelease;
    }

    public Duration getAbandonedLeaseTimeout() {
        return this.abandonedLeaseTimeout;
    }

    public void setAbandonedLeaseTimeout(Duration abandonedLeaseTimeout) {
        this.abandonedLeaseTimeout = abandonedLeaseTimeout;
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** As set, or {@code null}: then min(10, {@code max-size}). */
    public @Nullable Integer getInitialSize() {
        return this.initialSize;
    }

    public void setInitialSize(@Nullable Integer initialSize) {
        this.initialSize = initialSize;
    }

    public int getMaxSize() {
        return this.maxSize;
    }

    public void setMaxSize(int maxSize) {
        this.maxSize = maxSize;
    }

    public Duration getMaxIdleTime() {
        return this.maxIdleTime;
    }

    public void setMaxIdleTime(Duration maxIdleTime) {
        this.maxIdleTime = maxIdleTime;
    }

    public Duration getMaxLifeTime() {
        return this.maxLifeTime;
    }

    public void setMaxLifeTime(Duration maxLifeTime) {
        this.maxLifeTime = maxLifeTime;
    }

    public Duration getMaxAcquireTime() {
        return this.maxAcquireTime;
    }

    public void setMaxAcquireTime(Duration maxAcquireTime) {
        this.maxAcquireTime = maxAcquireTime;
    }

    public int getAcquireRetry() {
        return this.acquireRetry;
    }

    public void setAcquireRetry(int acquireRetry) {
        if (acquireRetry < 0) {
            throw new IllegalArgumentException("pg.conn.pool.acquire-retry must be 0 or more, was " + acquireRetry);
        }
        this.acquireRetry = acquireRetry;
    }

    public ValidationDepth getValidationDepth() {
        return this.validationDepth;
    }

    public void setValidationDepth(ValidationDepth validationDepth) {
        this.validationDepth = validationDepth;
    }

    /**
     * R2DBC's {@code ValidationDepth}, spelled here so that binding {@code pg.conn.*} needs no
     * R2DBC class (the properties are bound with or without pgconn-r2dbc).
     */
    public enum ValidationDepth {
        /** No round trip: the connection is open and its server in the wanted role. */
        LOCAL,
        /** Also a query. */
        REMOTE
    }
}
