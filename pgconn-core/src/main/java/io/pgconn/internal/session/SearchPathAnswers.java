package io.pgconn.internal.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One session's type lookup answers by the search path each was given under (PostgreSQL 18+, which reports the path's
 * value), all of one epoch of the factory's type knowledge: a session that goes back to a path it has seen binds its
 * codecs to that path's answer again and sends no lookup (NEW-USER-26 F2: a schema-per-tenant application that sets its
 * tenant's path per request made one lookup per request; 50 tenants are 50 answers, then none). At most
 * {@value #PATHS} paths, the least recently used forgotten first. An answer of an older epoch is never used: type DDL
 * through the factory's connections ({@code CREATE EXTENSION} included) and {@code forgetTypeOids()} move the epoch,
 * and the first answer of the new one forgets the rest. A {@code DISCARD ALL} forgets them too
 * ({@link SessionTypeOids#commandCompleted}). Event loop only, as {@link SessionTypeOids}.
 */
final class SearchPathAnswers {

    /** How many search paths' answers one session keeps. */
    static final int PATHS = 64;

    /** In access order: the least recently used first. */
    private final LinkedHashMap<String, Map<String, Integer>> byPath = new LinkedHashMap<>(16, 0.75f, true);
    /** The factory's epoch every answer kept was asked at. */
    private long epoch;

    /** The lookup asked at {@code askedAt} under {@code searchPath} answered {@code oids}. */
    void remember(String searchPath, long askedAt, Map<String, Integer> oids) {
        if (askedAt != epoch) {
            byPath.clear();
            epoch = askedAt;
        }
        byPath.put(searchPath, oids);
        if (byPath.size() > PATHS) {
            Iterator<String> eldest = byPath.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** The answer given under {@code searchPath} at epoch {@code current}, or null: none, or one of another epoch. */
    Map<String, Integer> answer(String searchPath, long current) {
        return current == epoch ? byPath.get(searchPath) : null;
    }

    /** Every answer forgotten. */
    void forget() {
        byPath.clear();
    }

    /** How many paths' answers are kept (tests). */
    int size() {
        return byPath.size();
    }
}
