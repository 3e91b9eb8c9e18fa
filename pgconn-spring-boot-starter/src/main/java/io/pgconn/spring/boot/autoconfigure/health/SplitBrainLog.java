package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.config.TargetSessionAttrs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * Logs at WARN, once per change, that more than one host answers as a writable primary under
 * {@code read-write}/{@code primary} — the hosts and where new connections go ({@link SplitBrainWarning}'s text,
 * the health's {@code warning}) — and at INFO once when it is over. New user 12 H1: an old primary started again
 * after a failover was an INFO "active host changed" line while the application wrote to both primaries. Called
 * by {@link HostViews} under its lock with each new view.
 */
final class SplitBrainLog {

    private static final Log logger = LogFactory.getLog(SplitBrainLog.class);

    private final TargetSessionAttrs attrs;

    private final String prefix;

    /** The warning last logged, or {@code null} while there is none. */
    private @Nullable String logged;

    /** {@code factoryName}: the bean name of the factory whose hosts these are, for the log. */
    SplitBrainLog(TargetSessionAttrs attrs, String factoryName) {
        this.attrs = attrs;
        this.prefix = HealthLogPrefix.of(factoryName);
    }

    /** {@code views} just changed; {@code active} is where new connections go by them, if anywhere. */
    void viewsChanged(List<HostView> views, @Nullable HostView active) {
        String warning = SplitBrainWarning.of(views, this.attrs, active);
        if (warning != null && !warning.equals(this.logged)) {
            logger.warn(this.prefix + warning);
        } else if (warning == null && this.logged != null) {
            logger.info(this.prefix + "no more than one host answers as primary now (split brain over)"
                    + (active != null ? "; new connections go to " + active.host() : ""));
        }
        this.logged = warning;
    }
}
