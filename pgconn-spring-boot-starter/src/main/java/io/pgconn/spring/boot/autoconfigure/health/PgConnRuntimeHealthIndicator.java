package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pgConnRuntime} health component: every factory registered at runtime with {@link PgConnRuntimeFactories}
 * (new user 23 F3), in one aggregate so that 50 tenants stay one component — {@code count}, the names of those whose
 * every host is down ({@code withoutHost}), and per factory ({@code factories}, with {@code show-details}) its hosts as
 * its own connects left them in its memory, its open connections and its pools. No I/O and no session of its own: a
 * registered factory has no health monitor (its hosts are, as a rule, the auto-configured factory's, which {@code pgConn}
 * probes). {@code DOWN} only when every registered factory is without a host; one tenant without a host leaves it
 * {@code UP}, named under {@code withoutHost}: a readiness group holding {@code pgConnRuntime} would otherwise take the
 * whole application out of service for one tenant.
 */
public final class PgConnRuntimeHealthIndicator implements HealthIndicator {

    private final PgConnRuntimeFactories factories;

    private final PgConnRuntimePoolDetails pools;

    public PgConnRuntimeHealthIndicator(PgConnRuntimeFactories factories, PgConnRuntimePoolDetails pools) {
        this.factories = factories;
        this.pools = pools;
    }

    @Override
    public Health health() {
        List<PgConnRuntimeFactories.Entry> entries = this.factories.entries();
        List<String> withoutHost = new ArrayList<>();
        Map<String, Object> each = new LinkedHashMap<>();
        for (PgConnRuntimeFactories.Entry entry : entries) {
            List<HostStatus> hosts = entry.factory().hostStatuses();
            if (!hosts.isEmpty() && hosts.stream().allMatch(host -> host.state() == HostStatus.State.DOWN)) {
                withoutHost.add(entry.name());
            }
            each.put(entry.name(), describe(entry, hosts));
        }
        Health.Builder health = !entries.isEmpty() && withoutHost.size() == entries.size() ? Health.down() : Health.up();
        health.withDetail("count", entries.size());
        if (!withoutHost.isEmpty()) {
            health.withDetail("withoutHost", withoutHost);
        }
        return health.withDetail("factories", each).build();
    }

    private Map<String, Object> describe(PgConnRuntimeFactories.Entry entry, List<HostStatus> hosts) {
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, String> byHost = new LinkedHashMap<>();
        for (HostStatus host : hosts) {
            String state = host.state().label() + (host.role() == ServerRole.UNKNOWN ? "" : ", " + host.role().label());
            byHost.put(host.host(), host.lastError() == null || host.state() != HostStatus.State.DOWN ? state
                    : state + ": " + host.lastError());
        }
        details.put("hosts", byHost);
        details.put("openConnections", entry.factory().openConnections());
        if (!entry.pools().isEmpty()) {
            List<Map<String, Object>> pools = new ArrayList<>();
            entry.pools().forEach(pool -> pools.add(this.pools.of(pool)));
            details.put("pools", pools);
        }
        return details;
    }
}
