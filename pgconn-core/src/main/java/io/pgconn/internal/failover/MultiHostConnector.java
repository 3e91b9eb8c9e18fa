package io.pgconn.internal.failover;

import io.pgconn.config.LoadBalanceHosts;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostResolverKind;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.connect.ConnectLoops;
import io.pgconn.internal.connect.ConnectResources;
import io.pgconn.internal.connect.HostConnector;
import io.pgconn.internal.session.ConnectionControl;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The public entry's engine (docs/lifecycle.md §2–3): orders the hosts, walks them with
 * {@code target_session_attrs}, bounds each host and the whole attempt, and remembers what it
 * learned. One {@link ConnectWalk} per connect.
 */
public final class MultiHostConnector {

    private static final AtomicLong CONNECT_IDS = new AtomicLong();

    private final ConnectResources resources;
    /** Addresses from the system resolver, and from Netty's DNS client ({@code hostResolver}, docs/lifecycle.md §1.1.1). */
    private final Endpoints endpoints;
    private final Endpoints nettyDnsEndpoints;
    private final HostStatusRegistry registry;
    private final TypeOidDiscovery typeOids;
    private final RandomGenerator random;

    public MultiHostConnector(ConnectResources resources, HostStatusRegistry registry, TypeOidCache typeOidCache, RandomGenerator random) {
        this.resources = resources;
        HostConnector hostConnector = new HostConnector(resources);
        this.endpoints = endpoints(resources, hostConnector, HostResolverKind.SYSTEM);
        this.nettyDnsEndpoints = endpoints(resources, hostConnector, HostResolverKind.NETTY_DNS);
        this.registry = registry;
        this.typeOids = new TypeOidDiscovery(typeOidCache);
        this.random = random;
    }

    private static Endpoints endpoints(ConnectResources resources, HostConnector hostConnector, HostResolverKind resolver) {
        return new Endpoints() {
            @Override
            public CompletableFuture<List<SocketAddress>> resolve(HostSpec host, RandomGenerator shuffle) {
                return resources.resolver().resolve(host, resolver, shuffle);
            }

            @Override
            public CompletableFuture<ConnectionControl> connect(ConnConfig config, HostSpec host, SocketAddress address,
                                                                Duration budget, AttemptScope scope) {
                return hostConnector.connect(config, host, address, budget, scope);
            }
        };
    }

    public CompletableFuture<ConnectionControl> connect(ConnConfig config) {
        ConnectLoops.Lease lease = resources.loops().acquire();
        Endpoints hosts = config.hostResolver() == HostResolverKind.NETTY_DNS ? nettyDnsEndpoints : endpoints;
        ConnectWalk walk = new ConnectWalk(CONNECT_IDS.incrementAndGet(), config, lease.loop(), resources.tracer(), hosts, registry, typeOids,
                HostOrder.order(config.hosts(), config.loadBalanceHosts(), random, registry, config.targetSessionAttrs(),
                        config.hostRecheckInterval()),
                config.loadBalanceHosts() == LoadBalanceHosts.RANDOM ? random : null);
        // the connection lives on the walk's loop: the loop carries it until it closes
        return walk.start(connection -> {
            if (connection == null) {
                lease.release();
            } else {
                connection.onClosed(lease::release);
            }
        });
    }

    public HostStatusRegistry registry() {
        return registry;
    }

    public TypeOidCache typeOidCache() {
        return typeOids.cache();
    }

    static Duration min(Duration a, Duration b) {
        if (a.isZero()) {
            return b;
        }
        if (b.isZero()) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }
}
