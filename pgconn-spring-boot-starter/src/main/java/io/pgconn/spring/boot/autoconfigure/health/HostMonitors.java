package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
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
 * through {@link PgConnectionFactory#reportHostUp} / {@link PgConnectionFactory#reportHostDown}.
 */
final class HostMonitors implements AutoCloseable {

    private final ConnConfig config;

    private final PgConnectionFactory monitorFactory;

    private final List<HostMonitor> monitors;

    private final FailoverTracker failoverTracker;

    private final ScheduledExecutorService scheduler;

    private final CompletableFuture<Void> firstRound = new CompletableFuture<>();

    HostMonitors(PgConnectionFactory factory, FailoverTracker failoverTracker, Duration interval, Duration probeTimeout,
            String name) {
        this.config = factory.config();
        this.failoverTracker = failoverTracker;
        this.monitorFactory = factory.builderWithSameTls(this.config).threads(1).build();
        Clock clock = Clock.systemUTC();
        this.monitors = this.config.hosts().stream()
                .map(host -> new HostMonitor(host, this.monitorFactory, factory, interval, probeTimeout, clock)).toList();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgconn-health-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.scheduleWithFixedDelay(this::probeAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeAll() {
        List<CompletableFuture<Void>> probes = this.monitors.stream().map(HostMonitor::probe).toList();
        CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0])).thenRun(() -> {
            HostView active = activeHost();
            if (active != null) {
                // the monitors see a failover without any application traffic
                this.failoverTracker.landedOn(active.host());
            }
            this.firstRound.complete(null);
        });
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

    List<HostView> views() {
        return this.monitors.stream().map(HostMonitor::view).toList();
    }

    /** The host a connect would land on now, by the live views; {@code null} when none is acceptable. */
    @Nullable HostView activeHost() {
        TargetSessionAttrs attrs = this.config.targetSessionAttrs();
        List<HostView> views = views();
        for (int pass = 1; pass <= attrs.passes(); pass++) {
            boolean lastPass = pass > 1;
            for (HostView view : views) {
                if (view.isUp() && attrs.accepts(view.role(), lastPass)) {
                    return view;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        this.scheduler.shutdownNow();
        this.monitors.forEach(HostMonitor::close);
        this.monitorFactory.closeAsync(Duration.ofSeconds(2));
    }
}
