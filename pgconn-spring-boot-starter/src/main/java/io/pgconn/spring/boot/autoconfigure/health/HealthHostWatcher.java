package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spi.HostObservations;
import io.pgconn.spi.HostWatcher;

import java.lang.invoke.MethodHandles;

/**
 * The health monitors' hold on a factory's host memory: {@link PgConnectionFactory#hostObservations} hands it to a
 * {@link HostWatcher}'s own lookup only (docs/lifecycle.md §2.4), and this class is that watcher — package-private, so
 * the capability stays with the monitors ({@link HostMonitors}, {@link HostMonitor}, {@link UnansweredProbes}) and out
 * of the application's reach.
 */
final class HealthHostWatcher implements HostWatcher {

    private HealthHostWatcher() {
    }

    /** What the health monitors tell {@code factory}'s host memory, and their closing of its connections to a host. */
    static HostObservations of(PgConnectionFactory factory) {
        return factory.hostObservations(MethodHandles.lookup());
    }
}
