package io.pgconn.internal.failover;

import io.pgconn.config.ConnConfig;
import io.pgconn.internal.session.ConnectionControl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one factory's extension type query answered, per server, database, user, options and list
 * of names, trusted for {@code hostRecheckInterval} like the rest of its host memory (zero: never
 * cached, every connect asks). Missing types are remembered as missing too.
 *
 * <p>Why: the query is the first statement of a brand-new backend, which pays that backend's
 * catalog cache loading (about 1–2 ms of a 13–20 ms connect on a 2-vCPU machine); a factory that
 * connects again to the same database within the interval learns nothing new from it. Npgsql keeps
 * such type information per data source for the same reason. The price is staleness: after
 * {@code CREATE} or {@code DROP EXTENSION}, connections opened within the interval may carry the
 * previous answer; {@link #forget()} (through the factory) or {@code lookupTypeOids} asks anew.
 */
public final class TypeOidCache {

    /** Everything the answer depends on: {@code to_regtype} resolves through the session's search_path. */
    record Key(String host, String database, String user, String options, String serverVersion, List<String> names) {

        static Key of(ConnectionControl connection, ConnConfig config) {
            return new Key(connection.host(), config.database(), config.user(), config.options(),
                    connection.parameters().get("server_version"), List.copyOf(config.extensionTypes()));
        }
    }

    private record Answer(Map<String, Integer> oids, Instant learnedAt) {
    }

    private final Map<Key, Answer> answers = new ConcurrentHashMap<>();
    private final Clock clock;

    public TypeOidCache(Clock clock) {
        this.clock = clock;
    }

    Optional<Map<String, Integer>> fresh(Key key, Duration interval) {
        Answer answer = answers.get(key);
        if (answer == null || !RecheckInterval.covers(answer.learnedAt(), interval, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(answer.oids());
    }

    void remember(Key key, Map<String, Integer> oids, Duration interval) {
        if (interval.isZero()) {
            return;
        }
        Instant now = clock.instant();
        answers.values().removeIf(answer -> !RecheckInterval.covers(answer.learnedAt(), interval, now)); // stays as small as what is in use
        answers.put(key, new Answer(Map.copyOf(oids), now));
    }

    /** Drops every answer: the next connect to each server asks again. */
    public void forget() {
        answers.clear();
    }

    int size() {
        return answers.size();
    }
}
