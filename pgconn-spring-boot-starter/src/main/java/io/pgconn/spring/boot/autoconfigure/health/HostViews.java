package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitors' last view of every configured host, the active host they imply and the failover
 * count, changed together under one lock: each new view of a host recomputes the active host at
 * once and tells the {@link FailoverTracker} (its only source while health runs), and a report
 * reads all of it in one {@link #snapshot()}. So a report's {@code activeHost} and {@code failovers}
 * always agree: before, the count moved when a whole probe round ended (a frozen primary's probe
 * holds that for its timeout) and the application's connects fed it too, a probe interval ahead of
 * the views (docs/starter.md §3).
 */
final class HostViews {

    private final TargetSessionAttrs targetSessionAttrs;

    private final FailoverTracker failoverTracker;

    /** Guarded by {@code this}; one entry per configured host, in configuration order. */
    private final List<HostView> views;

    private final NoAcceptableHostLog noAcceptableHostLog;

    HostViews(List<String> hosts, TargetSessionAttrs targetSessionAttrs, FailoverTracker failoverTracker) {
        this.targetSessionAttrs = targetSessionAttrs;
        this.failoverTracker = failoverTracker;
        this.noAcceptableHostLog = new NoAcceptableHostLog(targetSessionAttrs, failoverTracker.factoryName());
        this.views = new ArrayList<>(hosts.stream().map(HostView::unknown).toList());
        failoverTracker.followHealthMonitor();
    }

    /**
     * The last view of the {@code index}-th host; a change of the active host it implies is counted
     * and logged now, with why ({@link FailoverReason}), and so is a change between some and no
     * acceptable host ({@link NoAcceptableHostLog}).
     */
    synchronized void update(int index, HostView view) {
        this.views.set(index, view);
        HostView active = active(this.views, this.targetSessionAttrs);
        if (active != null) {
            // no acceptable host (the window before a promotion) is no host change: the next one decides
            String previous = this.failoverTracker.activeHost();
            this.failoverTracker.landedOn(active.host(),
                    () -> FailoverReason.of(this.views, String.valueOf(previous), active, this.targetSessionAttrs));
        }
        this.noAcceptableHostLog.viewsChanged(this.views, active, view);
    }

    /** Every host's view, the active host and the failover count, as of one moment. */
    synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(this.views), active(this.views, this.targetSessionAttrs),
                this.failoverTracker.failovers(), this.failoverTracker.lastFailoverAt());
    }

    /**
     * The host a connect would land on by these views: the first, in configuration order, whose
     * role satisfies {@code attrs} (a second pass for {@code prefer-standby}); {@code null} when none.
     */
    static @Nullable HostView active(List<HostView> views, TargetSessionAttrs attrs) {
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

    /**
     * @param hosts          every configured host's last view, in configuration order
     * @param active         the host a connect would land on, or {@code null} when none is acceptable
     * @param failovers      changes of the active host since start
     * @param lastFailoverAt when the active host last changed, or {@code null}
     */
    record Snapshot(List<HostView> hosts, @Nullable HostView active, long failovers, @Nullable Instant lastFailoverAt) {
    }
}
