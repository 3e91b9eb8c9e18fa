package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.config.TargetSessionAttrs;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why the active host moved from {@code previous} to {@code next}, in the monitors' words, for the
 * failover's log line ({@link io.pgconn.spring.boot.autoconfigure.FailoverTracker}): the previous host
 * is down (with its short reason), its role no longer satisfies {@code target_session_attrs}, or the
 * new host is preferred again (first in the host order, or a standby for {@code prefer-standby}), or no host is up
 * in the preferred role ({@code prefer-standby} with no standby up: the first host in host order), or — under
 * {@code read-write}/{@code primary} — it is the factory's sticky primary, where new connections go. Never holds a secret: the views do not.
 */
final class FailoverReason {

    private FailoverReason() {
    }

    /**
     * Why the active host moved from {@code previous} to {@code next} when a split brain's timelines were read
     * ({@code timelines}, by host): "db2:5432 writes on timeline 2, db1:5432 on 1: ..."; empty when they do not say so.
     */
    static Optional<String> newerTimeline(@Nullable String previous, HostView next, Map<String, Long> timelines) {
        Long nextTimeline = timelines.get(next.host());
        Long previousTimeline = previous == null ? null : timelines.get(previous);
        if (nextTimeline == null || previousTimeline == null || nextTimeline <= previousTimeline) {
            return Optional.empty();
        }
        return Optional.of(next.host() + " writes on timeline " + nextTimeline + ", " + previous + " on " + previousTimeline
                + ": two hosts answer as primary, and the newer one (a promoted standby) is the factory's sticky primary, where new "
                + "connections go");
    }

    /** {@code sticky}: the factory's sticky primary (core sends new read-write/primary connects there), or null. */
    static String of(List<HostView> views, String previous, HostView next, TargetSessionAttrs attrs, @Nullable String sticky) {
        HostView old = views.stream().filter(v -> v.host().equals(previous)).findFirst().orElse(null);
        if (old == null) {
            return next.host() + " is up as " + next.role().label();
        }
        if (!old.isUp()) {
            return previous + " is " + old.state().label() + (old.error() != null ? ": " + old.error() : "");
        }
        if (!attrs.accepts(old.role(), true)) {
            return previous + " is now " + old.role().label() + ", which target_session_attrs="
                    + attrs.libpqName() + " does not accept";
        }
        if (next.host().equals(sticky) && attrs.sticksToLastHost()) {
            return next.host() + " (" + next.role().label() + ") is the factory's sticky primary: target_session_attrs=" + attrs.libpqName()
                    + " keeps new connections there while it answers so";
        }
        if (attrs.passes() > 1 && !attrs.accepts(next.role(), false)) {
            // prefer-standby's second pass (NEW-USER-22 F5: it said a primary was "preferred")
            return "no host is up as standby, so target_session_attrs=" + attrs.libpqName() + " takes the first host up in host order: "
                    + next.host() + " (" + next.role().label() + ")";
        }
        if (attrs.passes() > 1 && !attrs.accepts(old.role(), false)) {
            return previous + " is now " + old.role().label() + " and " + next.host() + " is up as " + next.role().label()
                    + ", which target_session_attrs=" + attrs.libpqName() + " prefers";
        }
        return next.host() + " is up as " + next.role().label() + " and target_session_attrs=" + attrs.libpqName()
                + " prefers it (host order)";
    }
}
