package io.pgconn.internal.failover;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The host the factory's most recent successful connect for {@code read-write} or {@code primary} reached,
 * per target: new connects for that target try it first while the host memory's latest word on it is
 * "up, in a role the target accepts" ({@link HostOrder}). So an old primary that comes back as a second
 * writable primary (started again after a failover without pg_rewind: a split brain) does not take new
 * connects by host order while the pool's sessions write to the promoted one — two diverged primaries must
 * not both take writes. When the host is found down, of another role (a planned switchback demoted it) or
 * cut short by a connect's deadline, the usual order decides again (docs/lifecycle.md §2.4, §9). When two hosts answer
 * as primary and a watcher read both their WAL timelines, the one on the higher timeline — the promoted standby — is
 * sticky ({@link #timelineRead}), even when nothing saw the other one down.
 * {@code any}, {@code read-only}, {@code standby} and {@code prefer-standby} keep libpq's host order
 * ({@link TargetSessionAttrs#sticksToLastHost()}).
 */
final class StickyPrimary {

    /** The host a connect for a target reached, and when that connect began ({@link #begin}'s number). */
    private record Reached(String host, long begun) {
    }

    private final Map<TargetSessionAttrs, Reached> lastConnected = new ConcurrentHashMap<>();

    private final AtomicLong begun = new AtomicLong();

    /** The WAL timelines watchers read on the hosts answering as primary ({@link #timelineRead}). */
    private final PrimaryTimelines timelines = new PrimaryTimelines();

    /** A connect begins: its number orders its success against the others' ({@link #connected}). */
    long begin() {
        return begun.incrementAndGet();
    }

    /**
     * A connect for {@code target}, begun as {@code connectBegun}, handed out a session on {@code host}. It becomes the
     * sticky host unless a connect begun later already reached another host that still {@code holds}: a connect that
     * began before a failover and hung on the old primary completes when that one answers again — after a later
     * connect reached the promoted one — and must not take the sticky place back (REVIEW-28 R28-11: by completion order
     * it did, and a pool's eviction then dropped its sessions on the promoted primary for the one about to be fenced).
     * Whether the current one holds is decided by {@code statuses} for the sticky host the update finds, not one read
     * before it (REVIEW-29 R29-1: a concurrent {@link #foundUp} in between was overruled with a stale "does not hold").
     * Nor does a host on a lower timeline than the current one's (both read, {@link #timelineRead}) take it, holding or
     * not (REVIEW-29 R29-2: one 53300 or probe timeout of the promoted primary in a split brain handed the sticky place,
     * and with it every pooled session, to the old one).
     */
    void connected(String host, TargetSessionAttrs target, long connectBegun, Function<String, HostStatus> statuses) {
        if (target.sticksToLastHost()) {
            lastConnected.compute(target, (t, current) -> {
                if (current == null || current.host().equals(host)) {
                    return new Reached(host, Math.max(connectBegun, current == null ? 0 : current.begun()));
                }
                if (timelines.older(host, current.host())) {
                    return current;
                }
                boolean currentHolds = holdsUp(statuses.apply(current.host()), target);
                return !currentHolds || connectBegun > current.begun() ? new Reached(host, Math.max(connectBegun, current.begun()))
                        : current;
            });
        }
    }

    /**
     * {@code host} was found up in {@code role} (a connect's attempt, a health probe's report, a session that heard a
     * promotion): for each target that has a sticky host which no longer {@code holds} by {@code statuses} (found down,
     * full, demoted) while {@code host} is of a role the target accepts, {@code host} becomes the sticky one — as the
     * next connect, ranking by the memory, would make it. NEW-USER-28 F8 (d3): a primary hung, the factory's health found
     * it down and the promoted standby up, but every pool slot was held by work hung on the old one, so no connect
     * reached the promoted one; when the old one answered again it was the sticky host still, and the pool stayed on it.
     * Now the promoted one is sticky from the report on, and connects begun before it do not take the place back.
     */
    void foundUp(String host, ServerRole role, Function<String, HostStatus> statuses) {
        timelines.foundIn(host, role);
        for (Map.Entry<TargetSessionAttrs, Reached> entry : lastConnected.entrySet()) {
            TargetSessionAttrs target = entry.getKey();
            Reached current = entry.getValue();
            if (!current.host().equals(host) && target.accepts(role, false) && !timelines.older(host, current.host())
                    && !holds(statuses.apply(current.host()), target)) {
                lastConnected.replace(target, current, new Reached(host, begin()));
            }
        }
    }

    /**
     * A timeline was read on a host ({@code timelines}): for each target whose sticky host has a timeline read, a host
     * on a higher one that {@code statuses} holds up in a role the target accepts becomes the sticky one (the highest,
     * if several). The promoted standby of a split brain writes on a timeline one higher than the old primary's; before,
     * when the old primary answered again before anything found it down (a freeze shorter than the health's close, a
     * watcher-less factory), it stayed sticky and the pool stayed on the primary about to be fenced (closing-note-28
     * F8). Both timelines must be known: one read alone decides nothing.
     */
    void timelineRead(String readHost, long readTimeline, Function<String, HostStatus> statuses) {
        timelines.read(readHost, readTimeline);
        for (Map.Entry<TargetSessionAttrs, Reached> entry : lastConnected.entrySet()) {
            TargetSessionAttrs target = entry.getKey();
            Reached current = entry.getValue();
            long best = timelines.of(current.host());
            if (best == PrimaryTimelines.UNKNOWN) {
                continue;
            }
            String newer = null;
            for (String host : timelines.hosts()) {
                long timeline = timelines.of(host);
                if (timeline > best && holdsUp(statuses.apply(host), target)) {
                    best = timeline;
                    newer = host;
                }
            }
            if (newer != null) {
                lastConnected.replace(target, current, new Reached(newer, begin()));
            }
        }
    }

    /** The host the last connect for {@code target} reached, or {@code null} when none did (or the target does not stick). */
    String host(TargetSessionAttrs target) {
        Reached reached = lastConnected.get(target);
        return reached == null ? null : reached.host();
    }

    /**
     * Whether {@code status} is of the host the last connect for {@code target} reached, and the memory's latest
     * word on it is that it is up in a role {@code target} accepts — however old that word: no time makes a host
     * that came back as a second primary a better place for writes.
     */
    boolean holds(HostStatus status, TargetSessionAttrs target) {
        return target.sticksToLastHost() && status.host().equals(host(target)) && holdsUp(status, target);
    }

    /** Whether {@code status} is up in a role {@code target} accepts. */
    private static boolean holdsUp(HostStatus status, TargetSessionAttrs target) {
        return status.state() == HostStatus.State.UP && target.accepts(status.role(), false);
    }
}
