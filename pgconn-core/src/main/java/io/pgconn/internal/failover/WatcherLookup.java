package io.pgconn.internal.failover;

import io.pgconn.spi.HostWatcher;

import java.lang.invoke.MethodHandles;
import java.util.Objects;

/**
 * Who may have a factory's {@code HostObservations} ({@code PgConnectionFactory.hostObservations(Lookup)},
 * docs/lifecycle.md §2.4): the bearer of a lookup with full privilege access — made by {@code MethodHandles.lookup()}
 * in its own class — on a class that implements {@link HostWatcher}. Anything else is refused with an
 * {@link IllegalCallerException} naming the class and what was expected.
 */
public final class WatcherLookup {

    private WatcherLookup() {
    }

    /**
     * @throws IllegalCallerException when {@code watcher} is no full-privilege lookup of a {@link HostWatcher} class
     */
    public static void check(MethodHandles.Lookup watcher) {
        Objects.requireNonNull(watcher, "watcher");
        Class<?> caller = watcher.lookupClass();
        if (!HostWatcher.class.isAssignableFrom(caller)) {
            throw new IllegalCallerException("PgConnectionFactory.hostObservations is for a host watcher: " + caller.getName()
                    + " does not implement io.pgconn.spi.HostWatcher (expected MethodHandles.lookup() made in such a class;"
                    + " docs/lifecycle.md §2.4)");
        }
        if (!watcher.hasFullPrivilegeAccess()) {
            throw new IllegalCallerException("PgConnectionFactory.hostObservations is for a host watcher: the lookup on "
                    + caller.getName() + " has no full privilege access (expected MethodHandles.lookup() made in that class"
                    + " itself; docs/lifecycle.md §2.4)");
        }
    }
}
