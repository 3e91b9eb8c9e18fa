package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.config.TargetSessionAttrs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Logs, once per change, that no host satisfies {@code target_session_attrs} (WARN: a {@code connect()}
 * fails now, health is {@code DOWN}) and that one does again (INFO, with how long there was none) —
 * not once per probe (new user 7 F2: the window between a primary's crash and a promotion left no
 * line). Not before every host has been probed once: hosts not yet probed are no evidence; nor while a host that
 * answers was last probed before the view that showed none — the hosts are probed apart, and its probe of the same
 * round may find it acceptable: an acceptable answer checked before that view means the views lagged (a switchover
 * seen in one round, no window: nothing is logged), one checked after it ends a real window (the WARN is logged then,
 * with the views it was about, and the INFO after it). An acceptable host that
 * answers but refuses new logins for want of a free slot (53300) is not "no host": that is logged once at WARN as
 * {@link FullHostWarning} says it, and at INFO when a host takes new connections again. Called
 * by {@link HostViews} under its lock with each new view; the text, without the addresses the WARN names
 * ({@link #describeForLog}), is the health's {@code error}.
 */
final class NoAcceptableHostLog {

    private static final Log logger = LogFactory.getLog(NoAcceptableHostLog.class);

    private final TargetSessionAttrs attrs;

    private final String prefix;

    /** When the views last showed no acceptable host, or {@code null} while one is. */
    private @Nullable Instant noneSince;

    /**
     * When the views first showed no acceptable host while an answering host's view was older than that (its probe of
     * the same round not in yet), or {@code null}: the WARN waits for that probe (NEW-USER-22 F5: a WARN "no host
     * ... db2: standby" 6 ms after db2 was logged primary — db2's answer was checked first, published second).
     */
    private @Nullable Instant noneSeenAt;

    /** What the views said at {@link #noneSeenAt}: the WARN's text if the window turns out real. */
    private @Nullable String noneSeenText;

    /** When the acceptable host the views imply last turned full (no other takes new sessions), or {@code null}. */
    private @Nullable Instant fullSince;

    /** {@code factoryName}: the bean name of the factory whose hosts these are, for the log. */
    NoAcceptableHostLog(TargetSessionAttrs attrs, String factoryName) {
        this.attrs = attrs;
        this.prefix = HealthLogPrefix.of(factoryName);
    }

    /** {@code views} just changed with {@code changed}; {@code active} is the acceptable host they imply, if any. */
    void viewsChanged(List<HostView> views, @Nullable HostView active, HostView changed) {
        Instant at = changed.checkedAt() != null ? changed.checkedAt() : Instant.now();
        if (active == null) {
            this.fullSince = null;
            if (this.noneSince == null && views.stream().allMatch(v -> v.checkedAt() != null)) {
                Instant since = this.noneSeenAt != null ? this.noneSeenAt : at;
                if (views.stream().anyMatch(v -> v.answers() && v.checkedAt().isBefore(since))) {
                    // an answering host's probe of this round may still find it acceptable: wait for it
                    this.noneSeenAt = since;
                    this.noneSeenText = describeForLog(views, this.attrs);
                    return;
                }
                this.noneSeenAt = null;
                this.noneSeenText = null;
                this.noneSince = since;
                logger.warn(this.prefix + describeForLog(views, this.attrs));
            }
            return;
        }
        if (this.noneSeenAt != null) {
            // the awaited answer: checked after the view that showed none, the window was real (if short), so it is
            // told after all; checked before it, the views only lagged behind the hosts (NEW-USER-22 F5)
            if (at.isAfter(this.noneSeenAt)) {
                this.noneSince = this.noneSeenAt;
                logger.warn(this.prefix + this.noneSeenText);
            }
            this.noneSeenAt = null;
            this.noneSeenText = null;
        }
        if (!active.isUp()) {
            // it answers and serves its sessions, but takes no new one (53300): not "no host is up" (NEW-USER-13 F2)
            if (this.fullSince == null) {
                this.fullSince = at;
                this.noneSince = null;
                logger.warn(this.prefix + FullHostWarning.of(active));
            }
            return;
        }
        if (this.noneSince != null) {
            // the hosts are probed apart: an acceptable host's answer may have been checked before the one that showed
            // none, yet published after it (NEW-USER-22 F5: "after -4 ms without such a host")
            Duration without = at.isAfter(this.noneSince) ? Duration.between(this.noneSince, at) : Duration.ZERO;
            this.noneSince = null;
            logger.info(this.prefix + active.host() + " satisfies target_session_attrs=" + this.attrs.libpqName()
                    + " again (" + active.role().label() + "), after " + without.toMillis() + " ms without such a host");
        }
        if (this.fullSince != null) {
            Duration refusing = Duration.between(this.fullSince, at);
            this.fullSince = null;
            logger.info(this.prefix + active.host() + " takes new connections (target_session_attrs=" + this.attrs.libpqName()
                    + ", " + active.role().label() + "), after " + refusing.toMillis() + " ms in which none was taken");
        }
    }

    /**
     * "no host satisfying target_session_attrs=read-write is up: db1:5432: read-only; db2:5432: connection refused (db2:5432)":
     * the health's {@code error}, which names no address (a public endpoint: see HostFailureReason).
     */
    static String describe(List<HostView> views, TargetSessionAttrs attrs) {
        return describe(views, attrs, false);
    }

    /**
     * {@link #describe(List, TargetSessionAttrs)} for the WARN: a host given by name that answers in the wrong role is
     * named with the address its probe dialled, and the line ends, once, with the JVM DNS cache's hint
     * ({@link JvmDnsCache.LookedUp#wrongRoleHint}): after a switchover that repointed the name, that may be its old
     * address for up to {@code networkaddress.cache.ttl} (new user 24 F2: the WARN said "pg-rw.svc.local:5432:
     * standby" for 25 s, with nothing to tell why).
     */
    static String describeForLog(List<HostView> views, TargetSessionAttrs attrs) {
        return describe(views, attrs, true);
    }

    private static String describe(List<HostView> views, TargetSessionAttrs attrs, boolean addresses) {
        String hosts = views.stream()
                .map(v -> v.host() + ": " + (v.isUp() ? v.role().label() + (addresses ? dialled(v) : "")
                        : String.valueOf(v.error() != null ? v.error() : v.state().label())))
                .collect(Collectors.joining("; "));
        String hint = !addresses ? "" : views.stream().filter(HostView::isUp).map(HostView::lookedUp)
                .filter(Objects::nonNull).findFirst().map(named -> "; HINT: " + named.wrongRoleHint()).orElse("");
        return "no host satisfying target_session_attrs=" + attrs.libpqName() + " is up: " + hosts + hint;
    }

    /** " at 10.0.0.3" for a host given by name, else nothing. */
    private static String dialled(HostView view) {
        JvmDnsCache.LookedUp named = view.lookedUp();
        return named == null ? "" : " at " + named.address();
    }
}
