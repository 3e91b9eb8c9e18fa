package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-host memory of one factory: last outcome, last known role, when, and the last error.
 * Thread-safe; readable for health reporting.
 */
public final class HostStatusRegistry {

    private final Map<String, HostStatus> statuses = new ConcurrentHashMap<>();
    private final Clock clock;

    public HostStatusRegistry(Clock clock) {
        this.clock = clock;
    }

    public void recordUp(String host, ServerRole role) {
        statuses.put(host, new HostStatus(host, HostStatus.State.UP, role, clock.instant(), null));
    }

    public void recordDown(String host, String error) {
        HostStatus previous = statuses.get(host);
        ServerRole role = previous == null ? ServerRole.UNKNOWN : previous.role();
        statuses.put(host, new HostStatus(host, HostStatus.State.DOWN, role, clock.instant(), error));
    }

    public HostStatus status(String host) {
        HostStatus status = statuses.get(host);
        return status != null ? status : HostStatus.unknown(host);
    }

    /** Statuses of the given hosts, in that order. */
    public List<HostStatus> statuses(List<String> hosts) {
        return hosts.stream().map(this::status).toList();
    }

    /** Whether what we know of the host is recent enough to act on. */
    boolean isFresh(HostStatus status, Duration recheckInterval) {
        return RecheckInterval.covers(status.lastCheckedAt(), recheckInterval, clock.instant());
    }

    Instant now() {
        return clock.instant();
    }
}
