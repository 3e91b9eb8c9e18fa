package io.pgconn.spring.boot.autoconfigure;

import java.time.Duration;

/**
 * The live host view behind the health contributor: {@code pg.conn.health.*}, a group of
 * {@link PgConnProperties} (the health check's own {@code management.health.pgconn.*} are
 * {@code health.PgConnHealthProperties}).
 */
public class PgConnHostHealthProperties {

    /**
     * Time between two probes of each configured host by the health monitor (one idle
     * connection per host, one round trip per probe). A crashed or frozen host shows down
     * within this plus 'host-connect-timeout'.
     */
    private Duration hostCheckInterval = Duration.ofSeconds(1);

    /**
     * Whether the application's connections to a host are closed when the health monitor finds
     * that it stopped answering (two probes in a row not answered within 'host-connect-timeout'
     * each: a frozen or cut-off server, not a refused login nor a slow query of the application;
     * one alone, as a JVM pause can cause, only marks the host down): statements in
     * flight there fail at once with "connection to host:port closed: the server stopped
     * answering ...", the pool evicts them (reason host-down) and new work connects to another
     * host. When false they wait until the server answers again, however long.
     */
    private boolean closeConnectionsWhenUnresponsive = true;

    /**
     * Age at which the health monitor replaces a host's probe session with a new login (opened
     * before the old one closes), so that health turns down when the server refuses new logins
     * (a rotated password, a pg_hba.conf change, max_connections reached) although old sessions
     * still answer. Costs one login per host per interval; 0 never logs in again while the session lives.
     */
    private Duration reloginInterval = Duration.ofSeconds(10);

    public Duration getReloginInterval() {
        return this.reloginInterval;
    }

    public void setReloginInterval(Duration reloginInterval) {
        if (reloginInterval.isNegative()) {
            throw new IllegalArgumentException("pg.conn.health.relogin-interval must be 0 or positive, was " + reloginInterval);
        }
        this.reloginInterval = reloginInterval;
    }

    public boolean isCloseConnectionsWhenUnresponsive() {
        return this.closeConnectionsWhenUnresponsive;
    }

    public void setCloseConnectionsWhenUnresponsive(boolean closeConnectionsWhenUnresponsive) {
        this.closeConnectionsWhenUnresponsive = closeConnectionsWhenUnresponsive;
    }

    public Duration getHostCheckInterval() {
        return this.hostCheckInterval;
    }

    public void setHostCheckInterval(Duration hostCheckInterval) {
        if (hostCheckInterval.isNegative() || hostCheckInterval.isZero()) {
            throw new IllegalArgumentException("pg.conn.health.host-check-interval must be positive, was " + hostCheckInterval);
        }
        this.hostCheckInterval = hostCheckInterval;
    }
}
