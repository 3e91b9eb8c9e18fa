package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;

import java.util.Objects;

/**
 * What a watcher outside the factory tells its host memory ({@code PgConnectionFactory.hostObservations()}), written
 * into the factory's {@link HostStatusRegistry} by the host's label, as its own connects' findings are. The checks a
 * watcher's input gets (no null role or reason, a timeline of 1 or more) are made here, before the memory changes.
 */
public final class WatcherObservations implements HostObservations {

    private final HostStatusRegistry registry;

    public WatcherObservations(HostStatusRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void up(HostSpec host, ServerRole role) {
        registry.recordUp(host.label(), Objects.requireNonNull(role, "role"));
    }

    @Override
    public void down(HostSpec host, String reason) {
        registry.recordDown(host.label(), Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public void full(HostSpec host, String reason) {
        registry.recordFull(host.label(), Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public void primaryTimeline(HostSpec host, long timeline) {
        if (timeline < 1) {
            throw new IllegalArgumentException("timeline of " + host.label() + " must be 1 or more (PostgreSQL's first is 1): " + timeline);
        }
        registry.recordTimeline(host.label(), timeline);
    }
}
