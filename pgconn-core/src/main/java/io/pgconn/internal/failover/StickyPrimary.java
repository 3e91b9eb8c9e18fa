package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.config.TargetSessionAttrs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host the factory's most recent successful connect for {@code read-write} or {@code primary} reached,
 * per target: new connects for that target try it first while the host memory's latest word on it is
 * "up, in a role the target accepts" ({@link HostOrder}). So an old primary that comes back as a second
 * writable primary (started again after a failover without pg_rewind: a split brain) does not take new
 * connects by host order while the pool's sessions write to the promoted one — two diverged primaries must
 * not both take writes. When the host is found down, of another role (a planned switchback demoted it) or
 * cut short by a connect's deadline, the usual order decides again (docs/lifecycle.md §2.4, §9).
 * {@code any}, {@code read-only}, {@code standby} and {@code prefer-standby} keep libpq's host order
 * ({@link TargetSessionAttrs#sticksToLastHost()}).
 */
final class StickyPrimary {

    private final Map<TargetSessionAttrs, String> lastConnected = new ConcurrentHashMap<>();

    /** A connect for {@code target} handed out a session on {@code host}. */
    void connected(String host, TargetSessionAttrs target) {
        if (target.sticksToLastHost()) {
            lastConnected.put(target, host);
        }
    }

    /** The host the last connect for {@code target} reached, or {@code null} when none did (or the target does not stick). */
    String host(TargetSessionAttrs target) {
        return lastConnected.get(target);
    }

    /**
     * Whether {@code status} is of the host the last connect for {@code target} reached, and the memory's latest
     * word on it is that it is up in a role {@code target} accepts — however old that word: no time makes a host
     * that came back as a second primary a better place for writes.
     */
    boolean holds(HostStatus status, TargetSessionAttrs target) {
        return target.sticksToLastHost() && status.host().equals(lastConnected.get(target))
                && status.state() == HostStatus.State.UP && target.accepts(status.role(), false);
    }
}
