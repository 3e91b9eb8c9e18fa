package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.HostStatus;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Health of a {@link PgConnectionFactory}: {@code UP} with the host connections land on
 * ({@code activeHost}), its role and version, failover count and what the factory remembers of
 * every configured host; {@code DOWN} with each host's reason when no server satisfying
 * {@code target_session_attrs} answers within the health timeout. Checks reuse one monitor
 * connection (see {@link MonitorConnection}). Details never hold secrets.
 */
public class PgConnHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final PgConnectionFactory factory;

    private final FailoverTracker failoverTracker;

    private final Duration timeout;

    private final MonitorConnection monitor;

    public PgConnHealthIndicator(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration timeout) {
        super("pgconn health check failed");
        this.factory = factory;
        this.failoverTracker = failoverTracker;
        this.timeout = timeout;
        this.monitor = new MonitorConnection(factory, timeout);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ConnConfig config = this.factory.config();
        try {
            MonitorConnection.Probe probe = this.monitor.check(this.timeout);
            if (probe.reopened()) {
                this.failoverTracker.landedOn(probe.connection().host());
            }
            builder.up()
                    .withDetail("activeHost", probe.connection().host())
                    .withDetail("role", probe.role().label())
                    .withDetail("serverVersion", String.valueOf(probe.connection().serverVersion()));
        } catch (Exception e) {
            builder.down().withDetail("error", reason(e, config));
        }
        builder.withDetail("targetSessionAttrs", config.targetSessionAttrs().libpqName())
                .withDetail("database", config.database())
                .withDetail("failovers", this.failoverTracker.failovers());
        Instant lastFailoverAt = this.failoverTracker.lastFailoverAt();
        if (lastFailoverAt != null) {
            builder.withDetail("lastFailoverAt", lastFailoverAt.toString());
        }
        builder.withDetail("hosts", hosts());
    }

    private String reason(Exception e, ConnConfig config) {
        if (e instanceof TimeoutException) {
            return "no server satisfying target_session_attrs=" + config.targetSessionAttrs().libpqName()
                    + " answered within " + this.timeout.toMillis() + " ms";
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private Map<String, Object> hosts() {
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (HostStatus status : this.factory.hostStatuses()) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("status", status.state().label());
            host.put("role", status.role().label());
            if (status.lastCheckedAt() != null) {
                host.put("lastCheckedAt", status.lastCheckedAt().toString());
            }
            if (status.lastError() != null) {
                host.put("lastError", status.lastError());
            }
            hosts.put(status.host(), host);
        }
        return hosts;
    }

    @Override
    public void destroy() {
        this.monitor.close();
    }
}
