package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pgconn.HostStatus;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.spring.boot.autoconfigure.FailoverKind;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For each {@link PgConnectionFactory} bean, tagged {@code name} with its bean name:
 * {@code pg.conn.connections.active}, connections the factory handed out that are still open;
 * {@code pg.conn.failovers}, changes of the host connections land on since start, tagged {@code kind} with what moved
 * ({@link FailoverKind}: {@code primary-to-primary}, {@code standby-to-primary}, {@code primary-to-standby},
 * {@code role-unknown}; NEW-USER-31 F4), and {@code pg.conn.standby.moves}, the
 * moves from one standby to another that it leaves out ({@link FailoverTracker#standbyMoves()});
 * {@code pg.conn.host.status} and {@code pg.conn.host.role}, per configured host (tag {@code host}, its
 * {@code host:port} label), one gauge per status ({@code up}, {@code down}, {@code full}, {@code unknown}) and per
 * role ({@code primary}, {@code read-only}, {@code standby}, {@code unknown}) reading 1 for the one the factory's
 * host memory holds now and 0 for the others — what health's {@code hosts} shows, for alerts on a scrape
 * ("primary down for 20 s", "the standby used for reads is down");
 * {@code pg.conn.replica.lag} (seconds) and {@code pg.conn.replica.lag.bytes}, per standby (tag {@code host}):
 * how far its replay was behind at its last health probe ({@link io.pgconn.spring.boot.autoconfigure.ReplicaLag}, what health's {@code replicaLag}
 * shows; NEW-USER-28 F1), registered only while the host is a standby with a measured lag ({@link ReplicaLagGauges}).
 */
public final class PgConnMeterBinder implements MeterBinder {

    private final Map<String, PgConnectionFactory> factories;

    private final FailoverTrackers failoverTrackers;

    private final ReplicaLags replicaLags;

    public PgConnMeterBinder(Map<String, PgConnectionFactory> factories, FailoverTrackers failoverTrackers) {
        this(factories, failoverTrackers, new ReplicaLags());
    }

    /** {@code replicaLags}: where the health monitors keep each standby's lag (the {@code pgConnReplicaLags} bean). */
    public PgConnMeterBinder(Map<String, PgConnectionFactory> factories, FailoverTrackers failoverTrackers,
            ReplicaLags replicaLags) {
        this.factories = Map.copyOf(factories);
        this.failoverTrackers = failoverTrackers;
        this.replicaLags = replicaLags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.factories.forEach((name, factory) -> bind(registry, name, factory));
    }

    private void bind(MeterRegistry registry, String name, PgConnectionFactory factory) {
        bindFactory(registry, name, factory, this.failoverTrackers.of(name, factory));
        // a factory bean's standbys' lags: its health monitor measures them (a factory registered at runtime has none)
        ReplicaLagGauges.bind(registry, name, factory, this.replicaLags);
    }

    /**
     * The meters of one factory, tagged {@code name}; returned so that a factory registered at runtime
     * ({@link io.pgconn.spring.boot.autoconfigure.PgConnRuntimeFactories}) has them removed when it goes.
     */
    static List<Meter> bindFactory(MeterRegistry registry, String name, PgConnectionFactory factory, FailoverTracker failovers) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("pg.conn.connections.active", factory, PgConnectionFactory::openConnections)
                .description("Connections handed out by the factory and still open")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry));
        for (FailoverKind kind : FailoverKind.values()) {
            meters.add(FunctionCounter.builder("pg.conn.failovers", failovers, tracker -> tracker.failovers(kind))
                    .description("Changes of the host connections land on since start, by what moved (kind)")
                    .tag("db.system.name", "postgresql")
                    .tag("name", name)
                    .tag("kind", kind.tag())
                    .register(registry));
        }
        meters.add(FunctionCounter.builder("pg.conn.standby.moves", failovers, FailoverTracker::standbyMoves)
                .description("Moves of the host connections land on from one standby to another since start (no failover)")
                .tag("db.system.name", "postgresql")
                .tag("name", name)
                .register(registry));
        for (HostStatus host : factory.hostStatuses()) {
            bindHost(registry, name, factory, host.host(), meters);
        }
        return meters;
    }

    private static void bindHost(MeterRegistry registry, String name, PgConnectionFactory factory, String host, List<Meter> meters) {
        for (HostStatus.State state : HostStatus.State.values()) {
            meters.add(Gauge.builder("pg.conn.host.status", factory, f -> f.hostStatus(host).state() == state ? 1 : 0)
                    .description("1 for the status the factory's host memory holds for the host, 0 for the others")
                    .tag("db.system.name", "postgresql")
                    .tag("name", name)
                    .tag("host", host)
                    .tag("status", state.label())
                    .register(registry));
        }
        for (ServerRole role : ServerRole.values()) {
            meters.add(Gauge.builder("pg.conn.host.role", factory, f -> f.hostStatus(host).role() == role ? 1 : 0)
                    .description("1 for the role the factory's host memory holds for the host, 0 for the others")
                    .tag("db.system.name", "postgresql")
                    .tag("name", name)
                    .tag("host", host)
                    .tag("role", role.label())
                    .register(registry));
        }
    }
}
