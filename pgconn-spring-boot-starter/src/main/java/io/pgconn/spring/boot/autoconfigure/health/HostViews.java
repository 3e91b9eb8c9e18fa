package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The monitors' last view of every configured host, the active host they imply and the failover
 * count, changed together under one lock: each new view of a host recomputes the active host at
 * once and tells the {@link FailoverTracker} (its only source while health runs), and a report
 * reads all of it in one {@link #snapshot()}. So a report's {@code activeHost} and {@code failovers}
 * always agree: before, the count moved when a whole probe round ended (a frozen primary's probe
 * holds that for its timeout) and the application's connects fed it too, a probe interval ahead of
 * the views (docs/starter.md §3). Under {@code read-write}/{@code primary} the active host is the factory's sticky
 * primary ({@link io.pgconn.PgConnectionFactory#stickyPrimary()}) while the views show it up in an accepted role:
 * core's own word on where new connects go, not a rule of the starter's — session 28 followed the host the last
 * connect reached, and at a split brain's thaw a straggler connect completing on the old primary moved the active
 * host there and back (two spurious failovers) while core's sticky primary stayed on the promoted one. Two hosts up
 * as writable primaries are logged at WARN ({@link SplitBrainLog}). A change of the server
 * behind the active host's label while the label stays — a switchover behind one DNS name, Service or virtual IP
 * ({@link ServerBehindLabel}) — is a failover too ({@link FailoverTracker#serverChanged}; NEW-USER-24 F4: it counted
 * none, the label being the same).
 */
final class HostViews {

    private final TargetSessionAttrs targetSessionAttrs;

    private final FailoverTracker failoverTracker;

    /** Guarded by {@code this}; one entry per configured host, in configuration order. */
    private final List<HostView> views;

    private final NoAcceptableHostLog noAcceptableHostLog;

    private final SplitBrainLog splitBrainLog;

    /**
     * The factory's sticky primary now ({@link io.pgconn.PgConnectionFactory#stickyPrimary()}): empty for targets other
     * than {@code read-write}/{@code primary}, with {@code load-balance-hosts=random}, and while core prefers no host.
     */
    private final Supplier<Optional<String>> stickyPrimary;

    /** What the last {@link #update} computed: a report shows it with the count it was counted with. */
    private @Nullable HostView active;

    /** Views of a factory that prefers no host: host order alone decides. */
    HostViews(List<String> hosts, TargetSessionAttrs targetSessionAttrs, FailoverTracker failoverTracker) {
        this(hosts, targetSessionAttrs, failoverTracker, Optional::empty);
    }

    /** {@code stickyPrimary}: the application factory's {@link io.pgconn.PgConnectionFactory#stickyPrimary()}, asked at each view. */
    HostViews(List<String> hosts, TargetSessionAttrs targetSessionAttrs, FailoverTracker failoverTracker,
            Supplier<Optional<String>> stickyPrimary) {
        this.targetSessionAttrs = targetSessionAttrs;
        this.failoverTracker = failoverTracker;
        this.stickyPrimary = stickyPrimary;
        this.noAcceptableHostLog = new NoAcceptableHostLog(targetSessionAttrs, failoverTracker.factoryName());
        this.splitBrainLog = new SplitBrainLog(targetSessionAttrs, failoverTracker.factoryName());
        this.views = new ArrayList<>(hosts.stream().map(HostView::unknown).toList());
        failoverTracker.followHealthMonitor();
    }

    /**
     * The last view of the {@code index}-th host; a change of the active host it implies is counted
     * and logged now, with why ({@link FailoverReason}), and so is a change between some and no
     * acceptable host ({@link NoAcceptableHostLog}).
     */
    synchronized void update(int index, HostView view) {
        HostView before = this.views.set(index, view);
        String sticky = sticky();
        HostView active = active(this.views, this.targetSessionAttrs, sticky);
        this.active = active;
        // no acceptable host (the window before a promotion) is no host change: the next one decides; nor is an
        // active host that a host not yet probed could still displace — the first round settling it is no failover
        if (active != null && settled(this.views, this.targetSessionAttrs, sticky, active)) {
            String previous = this.failoverTracker.activeHost();
            ServerBehindLabel.Change moved = view.serverChange();
            if (moved != null && !moved.equals(before.serverChange()) && view.host().equals(active.host())
                    && view.host().equals(previous)) {
                // the active label stays, the server behind it changed: a failover all the same (NEW-USER-24 F4)
                this.failoverTracker.serverChanged(view.host(), view.role(), moved::why);
            } else {
                this.failoverTracker.landedOn(active.host(), active.role(),
                        () -> FailoverReason.of(this.views, String.valueOf(previous), active, this.targetSessionAttrs, sticky));
            }
        }
        this.noAcceptableHostLog.viewsChanged(this.views, active, view);
        this.splitBrainLog.viewsChanged(this.views, active);
        if (view.isUp() && view.askedAt() != null) {
            // ends a loss of sessions there the probe began after, in whatever role (HostSessionLossLog)
            this.failoverTracker.hostAnswered(view.host(), view.role(), view.askedAt());
        }
    }

    /**
     * Core's sticky primary may have moved without a new view of a host — a split brain's timelines were told to the
     * factory ({@link SplitBrainTimelines}): the active host follows now, counted and logged as by {@link #update}, and
     * the split-brain WARN names where new connections go now; not a probe interval later. {@code timelines}: what was
     * read, by host, for the failover line's why.
     */
    synchronized void stickyPrimaryMayHaveMoved(Map<String, Long> timelines) {
        String sticky = sticky();
        HostView active = active(this.views, this.targetSessionAttrs, sticky);
        this.active = active;
        if (active != null && settled(this.views, this.targetSessionAttrs, sticky, active)) {
            String previous = this.failoverTracker.activeHost();
            this.failoverTracker.landedOn(active.host(), active.role(), () -> FailoverReason.newerTimeline(previous, active, timelines)
                    .orElseGet(() -> FailoverReason.of(this.views, String.valueOf(previous), active, this.targetSessionAttrs, sticky)));
        }
        this.splitBrainLog.viewsChanged(this.views, active);
    }

    /**
     * Whether no host answers in a role the target accepts now (no active host: the window before a promotion, or a
     * moved name's probe session still on the old server); a monitor then logs in anew early, backed off
     * ({@link WrongRoleRelogin}).
     */
    synchronized boolean noAcceptableHost() {
        return this.active == null;
    }

    /** Core's sticky primary now, or {@code null} (none, or a target that does not stick). */
    private @Nullable String sticky() {
        return this.targetSessionAttrs.sticksToLastHost() ? this.stickyPrimary.get().orElse(null) : null;
    }

    /** Every host's view, the active host and the failover count, as of one moment. */
    synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(this.views), this.active,
                this.failoverTracker.failovers(), this.failoverTracker.lastFailoverAt());
    }

    /**
     * The host a connect would land on by these views: for {@code read-write} and {@code primary} core's sticky
     * primary ({@code sticky}, may be null) while it is up in an accepted role here too, so an old primary back
     * beside it is not where new connections go; else the first, in configuration
     * order, whose role satisfies {@code attrs} (a second pass for {@code prefer-standby}); when no such host takes new
     * sessions, the one a full host (53300) would be by the same rule — it serves the sessions open to it, and core
     * tries it last; {@code null} when none answers.
     */
    static @Nullable HostView active(List<HostView> views, TargetSessionAttrs attrs, @Nullable String sticky) {
        HostView takingSessions = active(views, attrs, sticky, HostView::isUp);
        // none takes new sessions: a full one (53300) still serves the sessions open to it, core tries it last
        return takingSessions != null ? takingSessions : active(views, attrs, sticky, HostView::answers);
    }

    private static @Nullable HostView active(List<HostView> views, TargetSessionAttrs attrs, @Nullable String sticky,
            Predicate<HostView> up) {
        if (sticky != null && attrs.sticksToLastHost()) {
            for (HostView view : views) {
                if (view.host().equals(sticky) && up.test(view) && attrs.accepts(view.role(), false)) {
                    return view;
                }
            }
        }
        for (int pass = 1; pass <= attrs.passes(); pass++) {
            boolean lastPass = pass > 1;
            for (HostView view : views) {
                if (up.test(view) && attrs.accepts(view.role(), lastPass)) {
                    return view;
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code active} is where a connect lands whatever the hosts not yet probed turn out to be (new user 20
     * F8: under {@code prefer-standby} the primary's first answer made it the active host until the standby's came,
     * counted as "failover 1" at every start): core's sticky primary, or every host ahead of it in
     * configuration order probed — and for a host of a later pass (a primary under {@code prefer-standby}, which
     * libpq takes only after trying every host for a standby) every host probed.
     */
    static boolean settled(List<HostView> views, TargetSessionAttrs attrs, @Nullable String sticky, HostView active) {
        if (sticky != null && attrs.sticksToLastHost() && active.host().equals(sticky)) {
            return true;
        }
        boolean firstPass = active.isUp() && attrs.accepts(active.role(), false);
        for (HostView view : views) {
            if (firstPass && view.host().equals(active.host())) {
                return true;
            }
            if (view.state() == HostStatus.State.UNKNOWN) {
                return false;
            }
        }
        return true;
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
