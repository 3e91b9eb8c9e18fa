package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.config.HostSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The order in which one connect tries the hosts: the configured order (shuffled for
 * {@code load_balance_hosts=random}), then re-ranked by recent memory — for {@code read-write} and
 * {@code primary} the host the last such connect reached while it is still up in an accepted role
 * ({@link StickyPrimary}; not with {@code random}), then likely matches, hosts
 * a connect's deadline cut short next, hosts known to have the wrong role after them, hosts that failed
 * recently last. It reorders, it never
 * removes a host.
 */
final class HostOrder {

    private HostOrder() {
    }

    static List<HostSpec> order(List<HostSpec> configured, LoadBalanceHosts loadBalance, RandomGenerator random,
                                HostStatusRegistry registry, TargetSessionAttrs target, Duration recheckInterval) {
        if (configured.size() == 1) {
            return configured; // nothing to order: no copy, no ranking (the walk only reads the list)
        }
        List<HostSpec> hosts = new ArrayList<>(configured);
        if (loadBalance == LoadBalanceHosts.RANDOM) {
            Collections.shuffle(hosts, random instanceof java.util.Random r ? r : new java.util.Random(random.nextLong()));
        }
        boolean sticky = loadBalance != LoadBalanceHosts.RANDOM; // random asks for no preferred host
        hosts.sort(Comparator.comparingInt(host -> rank(registry.status(host.label()), sticky, registry, target, recheckInterval)));
        return hosts;
    }

    /**
     * 0: the host connects for this target stick to ({@link StickyPrimary}); 1: likely match or unknown;
     * 2: cut short by a connect's deadline lately (slow or silent, not found down: behind the hosts that may
     * answer, ahead of those that cannot take this connect); 3: known wrong role; 4: failed recently, or full
     * (refused a session for want of a free slot). Stale
     * memory counts as unknown; a zero {@code recheckInterval} turns all of it off.
     */
    private static int rank(HostStatus status, boolean stickyAllowed, HostStatusRegistry registry, TargetSessionAttrs target,
                    Duration recheckInterval) {
        if (registry.cutOffLately(status, recheckInterval)) {
            return 2;
        }
        if (recheckInterval.isZero()) {
            return 1;
        }
        if (stickyAllowed && registry.isSticky(status, target)) {
            return 0; // fresh or not: its latest word is up in an accepted role
        }
        if (!registry.isFresh(status, recheckInterval)) {
            return 1;
        }
        if (status.state() == HostStatus.State.DOWN || status.state() == HostStatus.State.FULL) {
            return 4; // could not take a session lately: full (53300) too, though its open sessions are fine
        }
        if (status.role() != ServerRole.UNKNOWN && !target.accepts(status.role(), false)) {
            return 3;
        }
        return 1;
    }
}
