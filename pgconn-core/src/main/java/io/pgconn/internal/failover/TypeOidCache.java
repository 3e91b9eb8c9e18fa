package io.pgconn.internal.failover;

import io.pgconn.config.ConnConfig;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.TypeOidEpoch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one factory's extension type query answered, per server, database, user, options and list
 * of names, trusted for {@code hostRecheckInterval} like the rest of its host memory (zero: never
 * cached, every connect asks). Missing types are remembered as missing too.
 *
 * <p>Why: the query is the first statement of a brand-new backend, which pays that backend's
 * catalog cache loading (about 1–2 ms of a 13–20 ms connect on a 2-vCPU machine); a factory that
 * connects again to the same database within the interval learns nothing new from it. Npgsql keeps
 * such type information per data source for the same reason.
 *
 * <p>It is also the factory's {@link TypeOidEpoch}: a type-changing command run through one of the
 * factory's sessions (seen by its CommandComplete tag, at the end of its transaction), or
 * {@link #forget()} through {@code PgConnectionFactory.forgetTypeOids()}, drops every answer and moves
 * the epoch, so that new connections ask at connect and open ones before their next statement. DDL
 * run elsewhere (another client, a function) is not seen: answers then live for the interval.
 */
public final class TypeOidCache implements TypeOidEpoch {

    /** Everything the answer depends on: {@code to_regtype} resolves through the session's search_path. */
    record Key(String host, String database, String user, String options, String serverVersion, List<String> names) {

        static Key of(ConnectionControl connection, ConnConfig config) {
            return new Key(connection.host(), config.database(), config.user(), config.options(),
                    connection.parameters().get("server_version"), List.copyOf(config.extensionTypes()));
        }
    }

    /** An answer asked for at epoch {@code epoch}: good only while that is the current one. */
    private record Answer(Map<String, Integer> oids, Instant learnedAt, long epoch) {
    }

    private final Map<Key, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final Clock clock;

    public TypeOidCache(Clock clock) {
        this.clock = clock;
    }

    Optional<Map<String, Integer>> fresh(Key key, Duration interval) {
        return fresh(key, interval, epoch.get());
    }

    /** The answer for {@code key} learned within {@code interval} at epoch {@code currentEpoch}, if any. */
    Optional<Map<String, Integer>> fresh(Key key, Duration interval, long currentEpoch) {
        Answer answer = answers.get(key);
        if (answer == null || answer.epoch() != currentEpoch || !RecheckInterval.covers(answer.learnedAt(), interval, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(answer.oids());
    }

    void remember(Key key, Map<String, Integer> oids, Duration interval) {
        remember(key, oids, interval, epoch.get());
    }

    /** Remembers an answer asked for at epoch {@code askedAt}; once the epoch moved past it, it is never {@link #fresh} (it may predate the DDL). */
    void remember(Key key, Map<String, Integer> oids, Duration interval, long askedAt) {
        if (interval.isZero()) {
            return;
        }
        Instant now = clock.instant();
        answers.values().removeIf(answer -> !RecheckInterval.covers(answer.learnedAt(), interval, now)); // stays as small as what is in use
        answers.put(key, new Answer(Map.copyOf(oids), now, askedAt)); // of an earlier epoch: never fresh()
    }

    /** Drops every answer and moves the epoch: the next connect to each server asks again, open sessions before their next statement. */
    public void forget() {
        epoch.incrementAndGet();
        answers.clear();
    }

    @Override
    public long current() {
        return epoch.get();
    }

    @Override
    public void advance() {
        forget();
    }

    int size() {
        return answers.size();
    }
}
