package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.session.OpenConnections;
import io.pgconn.spi.HostObservations;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a watcher outside the factory tells its host memory ({@code PgConnectionFactory.hostObservations(Lookup)}), written
 * into the factory's {@link HostStatusRegistry} by the host's label, as its own connects' findings are, and the one
 * thing it does to the factory's connections: closing those to a host that stopped answering, among the factory's
 * {@link OpenConnections}. The checks a watcher's input gets (no null host, role or reason, a timeline of 1 or more)
 * are made here, before the memory or a connection changes.
 */
public final class WatcherObservations implements HostObservations {

    private final HostStatusRegistry registry;

    private final OpenConnections open;

    public WatcherObservations(HostStatusRegistry registry, OpenConnections open) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.open = Objects.requireNonNull(open, "open");
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

    @Override
    public CompletableFuture<Integer> closeConnections(HostSpec host, String reason) {
        return open.closeUnanswered(host, reason);
    }
}
