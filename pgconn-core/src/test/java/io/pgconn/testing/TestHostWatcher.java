package io.pgconn.testing;

import io.pgconn.PgConnectionFactory;
import io.pgconn.spi.HostObservations;
import io.pgconn.spi.HostWatcher;

import java.lang.invoke.MethodHandles;

/**
 * The tests' host watcher: what a health probe would tell a factory's host memory, told by a test
 * ({@link PgConnectionFactory#hostObservations(MethodHandles.Lookup)} hands it to a {@link HostWatcher}'s lookup only).
 */
public final class TestHostWatcher implements HostWatcher {

    private TestHostWatcher() {
    }

    /** {@code factory}'s host observations, as a watcher gets them. */
    public static HostObservations of(PgConnectionFactory factory) {
        return factory.hostObservations(MethodHandles.lookup());
    }
}
