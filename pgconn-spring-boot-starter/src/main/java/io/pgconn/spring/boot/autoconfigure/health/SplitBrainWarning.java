package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * The {@code warning} of the {@code pgConn} health when more than one configured host answers as a
 * writable primary while {@code target-session-attrs} asks for one ({@code read-write} or
 * {@code primary}): a split brain, typically an old primary started again after a failover without
 * being rewound or fenced. Connects (and {@code activeHost}) go to the first of them in configuration
 * order, which may be the stale one, and writes may land on both. It is a warning, not {@code DOWN}:
 * a connect still succeeds, and taking every instance out of service would not end the split brain.
 */
final class SplitBrainWarning {

    private SplitBrainWarning() {
    }

    /** The warning, or {@code null} when at most one host is an up primary or the target does not ask for one. */
    static @Nullable String of(List<HostView> views, TargetSessionAttrs target) {
        if (target != TargetSessionAttrs.READ_WRITE && target != TargetSessionAttrs.PRIMARY) {
            return null;
        }
        List<String> primaries = views.stream().filter(v -> v.isUp() && v.role() == ServerRole.PRIMARY).map(HostView::host).toList();
        if (primaries.size() < 2) {
            return null;
        }
        return primaries.size() + " hosts answer as primary: " + String.join(", ", primaries)
                + " (split brain? e.g. an old primary back after a failover without pg_rewind); target_session_attrs="
                + target.libpqName() + " connects to the first, " + primaries.get(0);
    }
}
