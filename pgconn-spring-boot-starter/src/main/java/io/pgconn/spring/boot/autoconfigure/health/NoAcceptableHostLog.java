package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.config.TargetSessionAttrs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Logs, once per change, that no host satisfies {@code target_session_attrs} (WARN: a {@code connect()}
 * fails now, health is {@code DOWN}) and that one does again (INFO, with how long there was none) —
 * not once per probe (new user 7 F2: the window between a primary's crash and a promotion left no
 * line). Not before every host has been probed once: hosts not yet probed are no evidence. An acceptable host that
 * answers but refuses new logins for want of a free slot (53300) is not "no host": that is logged once at WARN as
 * {@link FullHostWarning} says it, and at INFO when a host takes new connections again. Called
 * by {@link HostViews} under its lock with each new view; the text is the health's {@code error}.
 */
final class NoAcceptableHostLog {

    private static final Log logger = LogFactory.getLog(NoAcceptableHostLog.class);

    private final TargetSessionAttrs attrs;

    private final String prefix;

    /** When the views last showed no acceptable host, or {@code null} while one is. */
    private @Nullable Instant noneSince;

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
                this.noneSince = at;
                logger.warn(this.prefix + describe(views, this.attrs));
            }
            return;
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
            Duration without = Duration.between(this.noneSince, at);
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

    /** "no host satisfying target_session_attrs=read-write is up: db1:5432: read-only; db2:5432: connection refused (db2:5432)". */
    static String describe(List<HostView> views, TargetSessionAttrs attrs) {
        return "no host satisfying target_session_attrs=" + attrs.libpqName() + " is up: " + views.stream()
                .map(v -> v.host() + ": " + (v.isUp() ? v.role().label()
                        : String.valueOf(v.error() != null ? v.error() : v.state().label())))
                .collect(Collectors.joining("; "));
    }
}
