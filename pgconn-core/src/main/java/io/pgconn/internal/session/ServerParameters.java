package io.pgconn.internal.session;

import io.pgconn.internal.query.StandardConformingStrings;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One session's ParameterStatus values: the map {@link io.pgconn.PgConnection#parameters()} shows, kept current for
 * the whole session. It holds an immutable map that is replaced, never changed: the startup's
 * ({@link #startupReported}) and, after each ParameterStatus the server sends later, a copy with that value
 * ({@link #put}). Each map is taken through the factory's {@link ServerParameterSets}, so the factory's sessions
 * whose server reported the same values hold the same map, names and values (about 2.2 KB per idle connection when
 * each kept a map and strings of its own, measured in pgconn-benchmarks/results/2026-12-06-session18-heap.md).
 *
 * <p>Threading: written by one thread at a time (the handshake's, then the session's event loop), read from any
 * thread: the map is published through a volatile field, so a reader sees a whole map, the last one written.
 * Read-only to everyone else: {@link AbstractMap}'s remove and clear go through the immutable map's entry set,
 * which refuses them.
 */
public final class ServerParameters extends AbstractMap<String, String> implements StandardConformingStrings.Known {

    private final ServerParameterSets sets;
    private volatile Map<String, String> current = Map.of();
    /** {@code standard_conforming_strings} of {@link #current}, set with it: read for every statement. */
    private volatile boolean standardConformingStrings = true;

    /** @param sets the factory's shared parameter sets (one per factory; a fresh one shares with no other session) */
    public ServerParameters(ServerParameterSets sets) {
        this.sets = sets;
    }

    /** The values the server reported during the startup, as the handshake collected them. */
    public void startupReported(Map<String, String> reported) {
        replace(sets.shared(reported));
    }

    /** The server reported {@code name} = {@code value} (a ParameterStatus): the session's map becomes a copy with it. */
    @Override
    public synchronized String put(String name, String value) {
        Map<String, String> before = current;
        String previous = before.get(name);
        if (value.equals(previous)) {
            return previous; // reported again unchanged (e.g. a SET LOCAL's end): the same map, still shared
        }
        replace(sets.sharedWith(before, name, value));
        return previous;
    }

    /** The map becomes {@code values}; the setting read for every statement follows it. */
    private void replace(Map<String, String> values) {
        current = values;
        standardConformingStrings = StandardConformingStrings.of(values.get(StandardConformingStrings.NAME));
    }

    @Override
    public boolean standardConformingStrings() {
        return standardConformingStrings;
    }

    @Override
    public String get(Object name) {
        return current.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return current.containsKey(name);
    }

    @Override
    public int size() {
        return current.size();
    }

    /** A view of the map read at each use, as the map itself is: an iteration sees one map, whole. */
    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return current.entrySet().iterator();
            }

            @Override
            public int size() {
                return current.size();
            }
        };
    }

    /** The map read now (tests: whether two sessions share one). */
    Map<String, String> now() {
        return current;
    }
}
