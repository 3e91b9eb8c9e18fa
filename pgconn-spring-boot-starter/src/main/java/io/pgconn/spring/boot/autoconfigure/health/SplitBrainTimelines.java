package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PrimaryTimeline;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spi.HostObservations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * While two or more hosts answer as primary under {@code read-write}/{@code primary} — a split brain — reads each one's
 * WAL timeline on its monitor's probe session after a probe round ({@link PrimaryTimeline}) and tells the application
 * factory's host memory ({@link HostObservations#primaryTimeline}): core makes the one on the higher timeline, the promoted
 * standby, its sticky primary even when nothing found the old one down (closing-note-28 F8: a freeze shorter than the
 * monitor's close left the old primary sticky, and the pool on it), and the health's {@code activeHost} follows
 * at once ({@link HostViews#stickyPrimaryMayHaveMoved}). One statement per such host per round, and only while the views show two: no probe and no
 * connect of the application pays for it. A read that fails (the functions' {@code EXECUTE} revoked, the session gone)
 * decides nothing and is logged at DEBUG.
 */
final class SplitBrainTimelines {

    private static final Log logger = LogFactory.getLog(SplitBrainTimelines.class);

    /** The application factory's host memory ({@code PgConnectionFactory.hostObservations()}). */
    private final HostObservations applicationMemory;

    private final TargetSessionAttrs target;

    private final Duration timeout;

    private final HostViews views;

    SplitBrainTimelines(HostObservations applicationMemory, TargetSessionAttrs target, Duration timeout, HostViews views) {
        this.applicationMemory = applicationMemory;
        this.target = target;
        this.timeout = timeout;
        this.views = views;
    }

    /**
     * A probe round ended with {@code snapshot}; {@code monitors} in the same (configuration) order as its hosts. The
     * future completes when every read ended, and the views followed what core made of them.
     */
    CompletableFuture<Void> roundEnded(HostViews.Snapshot snapshot, List<HostMonitor> monitors) {
        if (!this.target.sticksToLastHost()) {
            return CompletableFuture.completedFuture(null);
        }
        List<HostMonitor> primaries = new ArrayList<>();
        for (int i = 0; i < monitors.size() && i < snapshot.hosts().size(); i++) {
            HostView view = snapshot.hosts().get(i);
            if (view.isUp() && this.target.accepts(view.role(), false)) {
                primaries.add(monitors.get(i));
            }
        }
        if (primaries.size() < 2) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Long> timelines = new ConcurrentHashMap<>();
        return CompletableFuture.allOf(primaries.stream().map(monitor -> read(monitor, timelines)).toArray(CompletableFuture<?>[]::new))
                .thenRun(() -> this.views.stickyPrimaryMayHaveMoved(timelines));
    }

    private CompletableFuture<Void> read(HostMonitor monitor, Map<String, Long> timelines) {
        PgConnection session = monitor.openSession();
        if (session == null) {
            return CompletableFuture.completedFuture(null);
        }
        return PrimaryTimeline.read(session).orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS).handle((timeline, failure) -> {
            if (failure != null) {
                logger.debug("pgconn health: could not read the timeline of " + monitor.host().label() + ": " + failure.getMessage());
            } else if (timeline.isPresent()) {
                timelines.put(monitor.host().label(), timeline.getAsLong());
                this.applicationMemory.primaryTimeline(monitor.host(), timeline.getAsLong());
            }
            return null;
        });
    }
}
