package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@link ReplicaLag} of each standby of each {@link PgConnectionFactory} bean, by host label
 * ({@code host:port}): the factory's health monitor measures it at each probe of a host that answers as a standby
 * and writes it here; the {@code pgConn} health's {@code hosts} and the {@code pg.conn.replica.lag} gauges read it,
 * so the two always agree (NEW-USER-28 F1). A host that is not a standby now (a primary, down, not probed yet) has
 * none. One bean ({@code pgConnReplicaLags}), shared like {@link FailoverTrackers}; without the {@code pgConn} health
 * nothing measures, and the gauges read NaN.
 */
public final class ReplicaLags {

    // PgConnectionFactory keeps Object's identity equality: one entry per instance
    private final Map<PgConnectionFactory, Map<String, ReplicaLag>> byFactory = new ConcurrentHashMap<>();

    /** {@code host} of {@code factory} answered as a standby, {@code lag} behind. */
    public void measured(PgConnectionFactory factory, String host, ReplicaLag lag) {
        this.byFactory.computeIfAbsent(factory, f -> new ConcurrentHashMap<>()).put(host, lag);
    }

    /** {@code host} of {@code factory} is no standby now, or its lag is unknown (down, the lag query failed). */
    public void unknown(PgConnectionFactory factory, String host) {
        Map<String, ReplicaLag> hosts = this.byFactory.get(factory);
        if (hosts != null) {
            hosts.remove(host);
        }
    }

    /** The last lag measured on {@code host} of {@code factory} while it is a standby; {@code null} otherwise. */
    public @Nullable ReplicaLag of(PgConnectionFactory factory, String host) {
        Map<String, ReplicaLag> hosts = this.byFactory.get(factory);
        return hosts == null ? null : hosts.get(host);
    }

    /** {@code factory}'s monitor closed: nothing it measured stays. */
    public void forget(PgConnectionFactory factory) {
        this.byFactory.remove(factory);
    }
}
