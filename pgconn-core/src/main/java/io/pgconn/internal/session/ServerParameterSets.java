package io.pgconn.internal.session;

import java.util.HashMap;
import java.util.Map;

/**
 * The ParameterStatus sets a factory's sessions hold ({@link ServerParameters}), shared: a server reports the same
 * ~15 names and values to every session of one user and database (server_version, TimeZone, DateStyle,
 * in_hot_standby …), so a session whose set equals one met before holds that immutable map — its names and values
 * included — instead of a map and ~30 strings of its own. A set is compared whole (names and values); one that
 * differs in a single value is another set.
 *
 * <p>Bounded: the last {@link #KEPT} sets met (a primary's and a standby's, a few users, the values a SET changed)
 * are kept, the oldest replaced by the next new one; a set not kept is still one immutable map per session. One
 * per factory; safe for any thread (a session's handshake and its event loop, each loop's sessions).
 */
public final class ServerParameterSets {

    static final int KEPT = 8;

    /** Guarded by this; the newest at {@code (next - 1) mod KEPT}. */
    private final Map<?, ?>[] kept = new Map<?, ?>[KEPT];
    private int next;

    /** The kept map equal to {@code reported} (names and values), or an immutable copy of it, kept from now on. */
    public Map<String, String> shared(Map<String, String> reported) {
        synchronized (this) {
            Map<String, String> known = find(reported);
            if (known != null) {
                return known;
            }
        }
        Map<String, String> copy = Map.copyOf(reported); // outside the lock: the copy is the costly part
        synchronized (this) {
            Map<String, String> known = find(reported); // another session kept it meanwhile
            if (known != null) {
                return known;
            }
            kept[next] = copy;
            next = (next + 1) % KEPT;
            return copy;
        }
    }

    /** {@code before} with {@code name} = {@code value}, shared as {@link #shared} shares a startup's set. */
    Map<String, String> sharedWith(Map<String, String> before, String name, String value) {
        Map<String, String> changed = new HashMap<>(before);
        changed.put(name, value);
        return shared(changed);
    }

    /** Newest first: the set a factory's sessions usually share is the one met last. */
    @SuppressWarnings("unchecked")
    private Map<String, String> find(Map<String, String> reported) {
        for (int i = 1; i <= KEPT; i++) {
            Map<String, String> candidate = (Map<String, String>) kept[Math.floorMod(next - i, KEPT)];
            if (candidate == null) {
                return null; // the slots fill in order: none older
            }
            if (candidate.equals(reported)) {
                return candidate;
            }
        }
        return null;
    }
}
