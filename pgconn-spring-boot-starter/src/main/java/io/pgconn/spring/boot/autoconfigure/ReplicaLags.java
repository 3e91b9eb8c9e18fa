package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The last {@link ReplicaLag} of each standby of each {@link PgConnectionFactory} bean, by host label
 * ({@code host:port}): the factory's health monitor measures it at each probe of a host that answers as a standby
 * and writes it here; the {@code pgConn} health's {@code hosts} and the {@code pg.conn.replica.lag} gauges read it,
 * so the two always agree (NEW-USER-28 F1). A host that is not a standby now (a primary, down, not probed yet) has
 * none. One bean ({@code pgConnReplicaLags}), shared like {@link FailoverTrackers}; without the {@code pgConn} health
 * nothing measures, and there are no lag gauges. Whoever shows one gauge per standby (the meter binder) hears when the
 * set of a factory's hosts with a lag changes, or which of its values a lag has ({@link #onStandbysChanged}), not every
 * new measurement.
 */
public final class ReplicaLags {

    // PgConnectionFactory keeps Object's identity equality: one entry per instance
    private final Map<PgConnectionFactory, Map<String, ReplicaLag>> byFactory = new ConcurrentHashMap<>();

    private final Map<PgConnectionFactory, List<Runnable>> listeners = new ConcurrentHashMap<>();

    /**
     * Calls {@code listener} each time a host of {@code factory} gets a lag where it had none, or loses it (no standby
     * now, its lag unknown, the monitor closed), or its lag gains or loses its {@code bytes} or its {@code seconds}
     * (a standby that starts or stops streaming, or replays its first transaction: a gauge of a value that is
     * {@code null} would read NaN, REVIEW-31 R31-3), after the change; on the thread that measured (a health monitor's
     * event loop): it must be quick and must not block. What it throws is not caught. Until {@link #forget}: a closed
     * monitor's factory is held by nothing here.
     */
    public void onStandbysChanged(PgConnectionFactory factory, Runnable listener) {
        this.listeners.computeIfAbsent(factory, f -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** The hosts of {@code factory} that have a lag now (standbys at their last probe), in no particular order. */
    public Set<String> standbys(PgConnectionFactory factory) {
        Map<String, ReplicaLag> hosts = this.byFactory.get(factory);
        return hosts == null ? Set.of() : Set.copyOf(hosts.keySet());
    }

    /** {@code host} of {@code factory} answered as a standby, {@code lag} behind. */
    public void measured(PgConnectionFactory factory, String host, ReplicaLag lag) {
        ReplicaLag before = this.byFactory.computeIfAbsent(factory, f -> new ConcurrentHashMap<>()).put(host, lag);
        if (before == null || (before.bytes() == null) != (lag.bytes() == null)
                || (before.seconds() == null) != (lag.seconds() == null)) {
            changed(factory);
        }
    }

    /** {@code host} of {@code factory} is no standby now, or its lag is unknown (down, the lag query failed). */
    public void unknown(PgConnectionFactory factory, String host) {
        Map<String, ReplicaLag> hosts = this.byFactory.get(factory);
        if (hosts != null && hosts.remove(host) != null) {
            changed(factory);
        }
    }

    /** The last lag measured on {@code host} of {@code factory} while it is a standby; {@code null} otherwise. */
    public @Nullable ReplicaLag of(PgConnectionFactory factory, String host) {
        Map<String, ReplicaLag> hosts = this.byFactory.get(factory);
        return hosts == null ? null : hosts.get(host);
    }

    /**
     * {@code factory}'s monitor closed: nothing it measured stays, and its listeners, told that its standbys are gone,
     * are dropped — the map held the factory and its gauges for the application's life (closing-note-30).
     */
    public void forget(PgConnectionFactory factory) {
        Map<String, ReplicaLag> hosts = this.byFactory.remove(factory);
        List<Runnable> told = this.listeners.remove(factory);
        if (hosts != null && !hosts.isEmpty() && told != null) {
            told.forEach(Runnable::run);
        }
    }

    private void changed(PgConnectionFactory factory) {
        this.listeners.getOrDefault(factory, List.of()).forEach(Runnable::run);
    }
}
