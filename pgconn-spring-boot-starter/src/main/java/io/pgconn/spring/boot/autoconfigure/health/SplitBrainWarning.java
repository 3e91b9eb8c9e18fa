package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The {@code warning} of the {@code pgConn} health, and the text of the WARN line ({@link SplitBrainLog}), when
 * more than one configured host answers as a writable primary while {@code target-session-attrs} asks for one
 * ({@code read-write} or {@code primary}): a split brain, typically an old primary started again after a failover
 * without being rewound or fenced. It names the hosts and where new connections go ({@code activeHost}): the host
 * the last connect reached while it stays a primary (core's sticky primary, docs/lifecycle.md §2.4), so an old
 * primary that comes back does not take them by host order. It is a warning, not {@code DOWN}: a connect still
 * succeeds, and taking every instance out of service would not end the split brain.
 */
final class SplitBrainWarning {

    private SplitBrainWarning() {
    }

    /**
     * The warning, or {@code null} when at most one host is an up primary or the target does not ask for one.
     * {@code active}: where new connections go (the health's {@code activeHost}), or {@code null}.
     *
     * <p>Two hosts count only once each answered as primary after the other became one
     * ({@link HostView#answeredAsPrimaryAfterItBecameOne}): at a clean switchover the stopped primary's last answer,
     * from before its stop, is still its view when the promoted standby's first answer as primary arrives, and the
     * WARN went out for a split brain that never was (NEW-USER-23 F6: 3 of 5 switchovers, "over" 4–7 ms later). A
     * real split brain is reported at the next probe round, one {@code host-check-interval} later.
     */
    static @Nullable String of(List<HostView> views, TargetSessionAttrs target, @Nullable HostView active) {
        if (!target.sticksToLastHost()) {
            return null;
        }
        List<HostView> answering = views.stream().filter(v -> v.answers() && v.role() == ServerRole.PRIMARY).toList();
        List<String> primaries = answering.stream()
                .filter(v -> answering.stream().anyMatch(other -> other != v && v.answeredAsPrimaryAfterItBecameOne(other)
                        && other.answeredAsPrimaryAfterItBecameOne(v)))
                .map(HostView::host).toList();
        if (primaries.size() < 2) {
            return null;
        }
        return primaries.size() + " hosts answer as primary: " + String.join(", ", primaries)
                + " (split brain? e.g. an old primary back after a failover without pg_rewind); new connections (target_session_attrs="
                + target.libpqName() + ") go to " + (active != null ? active.host() : "none of them");
    }
}
