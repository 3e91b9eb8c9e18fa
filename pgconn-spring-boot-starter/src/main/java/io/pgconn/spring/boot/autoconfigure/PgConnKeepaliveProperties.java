package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/** TCP keepalive settings: {@code pg.conn.keepalive.*}, a group of {@link PgConnProperties}. */
public class PgConnKeepaliveProperties {

    /**
     * Whether TCP keepalive is enabled. Defaults to true.
     */
    private @Nullable Boolean enabled;

    /**
     * Idle time before the first keepalive probe. Defaults to the operating system's value.
     */
    private @Nullable Duration idle;

    /**
     * Time between keepalive probes. Defaults to the operating system's value.
     */
    private @Nullable Duration interval;

    /**
     * Unanswered probes before the connection is considered dead. Defaults to the operating
     * system's value.
     */
    private @Nullable Integer count;

    public @Nullable Boolean getEnabled() {
        return this.enabled;
    }

    public void setEnabled(@Nullable Boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable Duration getIdle() {
        return this.idle;
    }

    public void setIdle(@Nullable Duration idle) {
        this.idle = idle;
    }

    public @Nullable Duration getInterval() {
        return this.interval;
    }

    public void setInterval(@Nullable Duration interval) {
        this.interval = interval;
    }

    public @Nullable Integer getCount() {
        return this.count;
    }

    public void setCount(@Nullable Integer count) {
        this.count = count;
    }
}
