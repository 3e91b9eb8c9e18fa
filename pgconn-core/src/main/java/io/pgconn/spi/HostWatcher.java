package io.pgconn.spi;

import io.pgconn.PgConnectionFactory;

import java.lang.invoke.MethodHandles;

/**
 * What a class declares to be a host watcher: one that probes a factory's hosts on sessions of its own and tells the
 * factory's host memory what it saw ({@link HostObservations}, docs/lifecycle.md §2.4) — the Spring Boot starter's
 * health monitor. Only such a class gets a factory's {@link HostObservations}: it presents the lookup it made itself,
 * {@code factory.hostObservations(MethodHandles.lookup())} (a {@link MethodHandles.Lookup} with full privilege access
 * on it, which no other class can make by an ordinary call), so that the capability to move where every caller's
 * connects go and to close their connections is held by the watcher's class, not by whoever holds a factory. Nothing
 * to implement: a watcher's class names itself one by implementing it, e.g.
 *
 * <pre>{@code
 * final class MyWatcher implements HostWatcher {
 *     static HostObservations of(PgConnectionFactory factory) {
 *         return factory.hostObservations(MethodHandles.lookup());
 *     }
 * }
 * }</pre>
 *
 * Keep such a class out of the application's reach (package-private): what it hands out is the capability.
 *
 * @see PgConnectionFactory#hostObservations(MethodHandles.Lookup)
 */
public interface HostWatcher {
}
