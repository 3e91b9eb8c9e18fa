package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.ReplicaLag;
import io.pgconn.spring.boot.autoconfigure.ReplicaLags;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live view of every configured host of one application factory: one {@link HostMonitor} per
 * host, all probed every {@code host-check-interval} from one scheduler thread (the probes
 * themselves are asynchronous). The monitor connections come from a factory of their own (same
 * settings and TLS material, one event loop thread), so they count neither in the application
 * factory's open connections nor in its traces and meters; what they learn reaches its host memory
 * through {@link PgConnectionFactory#hostObservations}, held by {@link HealthHostWatcher}.
 */
final class HostMonitors implements AutoCloseable {

    private final ConnConfig config;

    private final PgConnectionFactory factory;

    private final ReplicaLags lags;

    private final PgConnectionFactory monitorFactory;

    private final List<HostMonitor> monitors;

    private final HostViews views;

    private final SplitBrainTimelines splitBrainTimelines;

    private final ScheduledExecutorService scheduler;

    private final CompletableFuture<Void> firstRound = new CompletableFuture<>();

    HostMonitors(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration interval, Duration probeTimeout,
            String name) {
        this(factory, failoverTracker, interval, probeTimeout, name, true);
    }

    /** {@code closeWhenUnresponsive}: close the factory's connections to a host that stopped answering. */
    HostMonitors(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration interval, Duration probeTimeout,
            String name, boolean closeWhenUnresponsive) {
        this(factory, failoverTracker, interval, probeTimeout, name, closeWhenUnresponsive, HostMonitor.DEFAULT_RELOGIN_INTERVAL);
    }

    /** {@code reloginInterval}: age at which a monitor's probe session is replaced by a new login (zero: never). */
    HostMonitors(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration interval, Duration probeTimeout,
            String name, boolean closeWhenUnresponsive, Duration reloginInterval) {
        this(factory, failoverTracker, interval, probeTimeout, name, closeWhenUnresponsive, reloginInterval, new ReplicaLags());
    }

    /** {@code lags}: where each standby's replay lag is kept, read by health and the {@code pg.conn.replica.lag} gauges. */
    HostMonitors(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration interval, Duration probeTimeout,
            String name, boolean closeWhenUnresponsive, Duration reloginInterval, ReplicaLags lags) {
        this.factory = factory;
        this.lags = lags;
        this.config = factory.config();
        List<HostSpec> hosts = this.config.hosts();
        this.views = new HostViews(hosts.stream().map(HostSpec::label).toList(), this.config.targetSessionAttrs(),
                failoverTracker, factory::stickyPrimary);
        this.splitBrainTimelines = new SplitBrainTimelines(HealthHostWatcher.of(factory), this.config.targetSessionAttrs(), probeTimeout, this.views);
        this.monitorFactory = factory.builderWithSameTls(this.config).threads(1).build();
        Clock clock = Clock.systemUTC();
        List<HostMonitor> monitors = new ArrayList<>(hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            int index = i;
            monitors.add(new HostMonitor(hosts.get(i), this.monitorFactory, factory, interval, probeTimeout, clock,
                    view -> this.views.update(index, view), closeWhenUnresponsive, reloginInterval, name,
                    this.views::noAcceptableHost, lags));
        }
        this.monitors = List.copyOf(monitors);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgconn-health-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.scheduleWithFixedDelay(this::probeAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeAll() {
        // a change of the active host is counted as each probe ends (HostViews), not here: a frozen
        // host's probe holds the round for its timeout; so, while two hosts answer as primary, their
        // timelines are read as their probes end, not after the round (SplitBrainTimelines)
        SplitBrainTimelines.Round timelines = this.splitBrainTimelines.round(this.monitors);
        List<CompletableFuture<Void>> probes = new ArrayList<>(this.monitors.size());
        for (int i = 0; i < this.monitors.size(); i++) {
            int index = i;
            probes.add(this.monitors.get(i).probe().thenRun(() -> timelines.probeEnded(index, this.views.snapshot())));
        }
        CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0]))
                .thenCompose(ignored -> timelines.ended())
                .thenRun(() -> this.firstRound.complete(null));
    }

    /** Waits, at most {@code timeout}, until every host has been probed once; later calls return at once. */
    void awaitFirstRound(Duration timeout) {
        try {
            this.firstRound.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // reported as the hosts' unknown state
        }
    }

    /** The replay lag {@code host} showed at its last probe as a standby; {@code null} when it is none now or unknown. */
    @Nullable ReplicaLag lag(String host) {
        return this.lags.of(this.factory, host);
    }

    /** Every host's view, the active host and the failover count, as of one moment. */
    HostViews.Snapshot snapshot() {
        return this.views.snapshot();
    }

    @Override
    public void close() {
        this.scheduler.shutdownNow();
        this.monitors.forEach(HostMonitor::close);
        this.lags.forget(this.factory);
        this.monitorFactory.closeAsync(Duration.ofSeconds(2));
    }
}
