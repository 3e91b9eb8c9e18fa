package io.pgconn.internal.failover;

import io.pgconn.ServerRole;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WAL timeline each host was last read on while it answered as primary ({@link io.pgconn.PrimaryTimeline}, told by
 * a watcher), for {@link StickyPrimary}'s split-brain tie-break: a promoted standby writes on a higher timeline than the
 * primary it followed. A host found in recovery since is forgotten — rewound and promoted again it writes on a newer one.
 * A host found down keeps its read (REVIEW-29 R29-2: one probe timeout of the promoted primary must not hand a split
 * brain to the old one); the next read replaces it.
 */
final class PrimaryTimelines {

    /** No timeline known. */
    static final long UNKNOWN = -1;

    private final Map<String, Long> read = new ConcurrentHashMap<>();

    void read(String host, long timeline) {
        read.put(host, timeline);
    }

    /** {@code host} was found in {@code role}: a standby has no timeline of its own, its last one is no longer its. */
    void foundIn(String host, ServerRole role) {
        if (role == ServerRole.STANDBY || role == ServerRole.UNKNOWN) {
            read.remove(host);
        }
    }

    /** Whether {@code host} was read on a lower timeline than {@code other} (both read). */
    boolean older(String host, String other) {
        long timeline = of(host);
        long otherTimeline = of(other);
        return timeline != UNKNOWN && otherTimeline != UNKNOWN && timeline < otherTimeline;
    }

    /** The timeline last read on {@code host}, or {@link #UNKNOWN}. */
    long of(String host) {
        return read.getOrDefault(host, UNKNOWN);
    }

    /** The hosts with a timeline read. */
    Iterable<String> hosts() {
        return read.keySet();
    }
}
